import type {Hook} from '@oclif/core'

import {syncFlagOn} from '../sync-flag.js'

/**
 * Registered for postrun and for finally; finalSync runs once per invocation either way. With sync
 * off it has nothing to do, and nothing more loads: this runs after every command.
 */
const hook: Hook<'finally'> = async options => {
  if (!syncFlagOn()) return
  const [{finalSync}, {bindRuntime}] = await Promise.all([import('../final-sync.js'), import('../runtime.js')])
  await finalSync(() => bindRuntime(options.config))
}

export default hook
