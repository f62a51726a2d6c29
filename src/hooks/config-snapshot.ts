import type {Hook} from '@oclif/core'

import {refreshSnapshot} from '../launch/snapshot-writer.js'

/**
 * Keep the lean launcher's snapshot of this Config current (src/launch/config-snapshot.ts): a few
 * stats when it holds, a rewrite after the plugin set changed. A cache: a folder that cannot be
 * written only means lifecycle commands keep taking this, the full launcher.
 */
const hook: Hook.Init = async function (options) {
  // Only the CLI's own launch (bin/run.js): a tool that loads this config with other options, such as
  // `oclif readme` without user plugins, would record a plugin set the CLI does not have.
  if (!(globalThis as Record<symbol, unknown>)[Symbol.for('spec-kitty.full-launcher')]) return
  try {
    await refreshSnapshot(options.config)
  } catch {
    // Never fails a command; the next start tries again.
  }
}

export default hook
