#!/usr/bin/env node
// Sync benchmarks (NFR-003): what plugin-sync adds to a command. Cold-process medians against the
// real test sync server (test/support/sync-server.ts, run in its own process on 127.0.0.1), plus the
// in-process cost of the final-sync fast path. Usage: npm run bench
import {readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {startSyncServerProcess} from '../test/support/sync-server-process.js'
import {
  cli, createWorkspace, median, report, root, runs,
} from './harness.js'

const {cleanup, env, initProject, repo, sk, timePair, timeRuns, work} = createWorkspace('sync')

/** In process: `finalSync()` with sync on, a session, and nothing queued (a fresh module per sample). */
async function fastPathInProcess() {
  // The session of the benchmark, but a state directory of its own: an empty outbox.
  Object.assign(process.env, {SPEC_KITTY_CONFIG_DIR: env.SPEC_KITTY_CONFIG_DIR, SPEC_KITTY_ENABLE_SAAS_SYNC: '1', SPEC_KITTY_STATE_DIR: join(work, 'fast-path-state')})
  const module = pathToFileURL(join(root, 'plugins/plugin-sync/dist/final-sync.js'))
  const first = []
  const again = []
  for (let i = 0; i < 200; i++) {
    // eslint-disable-next-line no-await-in-loop -- one sample at a time
    const {finalSync} = await import(`${module}?sample=${i}`)
    let start = process.hrtime.bigint()
    // eslint-disable-next-line no-await-in-loop
    await finalSync()
    first.push(Number(process.hrtime.bigint() - start) / 1e6)
    start = process.hrtime.bigint()
    // eslint-disable-next-line no-await-in-loop -- the idempotency guard of the `finally` safety net
    await finalSync()
    again.push(Number(process.hrtime.bigint() - start) / 1e6)
  }

  return {again: median(again), first: median(first)}
}

let server
try {
  initProject()
  sk(['agent', 'mission', 'create', 'bench-sync'])
  const slug = readdirSync(join(repo, 'kitty-specs')).find(d => d.startsWith('bench-sync'))
  writeFileSync(join(repo, 'kitty-specs', slug, 'tasks.md'), '# Tasks\n\n## WP01: One\n\n- [ ] T001 a\n')
  sk(['agent', 'mission', 'finalize-tasks', '--mission', slug])
  sk(['agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--no-auto-commit'])
  server = await startSyncServerProcess()
  sk(['auth', 'login', '--server', server.url, '--token', 'good-token'])

  const on = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1'}
  const status = ['agent', 'tasks', 'status', '--mission', slug, '--json']
  const move = ['agent', 'tasks', 'move-task', 'WP01', '--to', 'blocked', '--mission', slug, '--no-auto-commit', '--json']
  // Untimed, with sync off: put WP01 back, so every timed run moves it and queues exactly one event.
  const moveBack = () => sk(['agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--no-auto-commit'])

  const inProcess = await fastPathInProcess()
  const baseline = timeRuns(process.execPath, ['-e', '0'])
  const [statusOff, statusOn] = timePair(status, {}, on)
  const [moveOff, moveHealthy] = timePair(move, {}, on, {prepare: moveBack})
  await server.send('never-answer')
  const moveSilent = timeRuns(process.execPath, [cli, ...move], {extraEnv: on, prepare: moveBack})
  await server.send('close')
  const moveDown = timeRuns(process.execPath, [cli, ...move], {extraEnv: on, prepare: moveBack})

  report('Sync (plugin-sync)', baseline, [
    ['agent tasks status --json, sync off', statusOff],
    ['agent tasks status --json, sync on, nothing queued', statusOn],
    ['agent tasks move-task --json, sync off', moveOff],
    ['agent tasks move-task --json, sync on, healthy loopback server', moveHealthy],
    ['agent tasks move-task --json, sync on, server port closed', moveDown],
    ['agent tasks move-task --json, sync on, server never answers', moveSilent],
  ])
  console.log(`
added by sync, cold process (difference of medians):
  fast path, nothing queued                ${(statusOn - statusOff).toFixed(1).padStart(8)} ms
  one event, healthy loopback round trip   ${(moveHealthy - moveOff).toFixed(1).padStart(8)} ms
  worst case, server port closed           ${(moveDown - moveOff).toFixed(1).padStart(8)} ms
  worst case, server silent (budget 3 s)   ${(moveSilent - moveOff).toFixed(1).padStart(8)} ms
in process (median of 200):
  finalSync() fast path, nothing queued    ${inProcess.first.toFixed(3).padStart(8)} ms
  finalSync() again (idempotency guard)    ${inProcess.again.toFixed(3).padStart(8)} ms
(cold runs per variant: ${runs})`)
} finally {
  server?.stop()
  cleanup()
}
