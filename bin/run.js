#!/usr/bin/env node
// --version and the lifecycle commands run on the lean launcher (src/launch), which loads neither
// oclif nor more than one script of ours; it declines, before doing anything, whatever oclif must run.
import {leanRoute} from '../dist/launch/route.js'

const route = leanRoute(process.argv.slice(2), process.env)
const ran = route !== undefined && await (await import('../dist/launch/load-lean.js')).runLeanBundle(route, url => import(url))
if (!ran) {
  // Marks oclif's config as this CLI's own, the one worth a snapshot for the lean launcher (not one
  // that a tool such as `oclif readme` loads with other options).
  globalThis[Symbol.for('spec-kitty.full-launcher')] = true
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

// Exit now: a stray handle (a socket, a timer) must never keep an agent waiting. The final sync
// (plugin-sync) has already run inside its own time budget by this point.
process.exit()
