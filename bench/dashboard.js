#!/usr/bin/env node
// Dashboard benchmark (issue #19): server time of the board page of a 50-WP mission with 1,000
// lane events (the median of loopback requests to a running `spec-kitty dashboard`, first paint
// and warm), and `spec-kitty --version` with the dashboard command present, against `node -e 0`.
// Usage: node bench/dashboard.js
import {spawn} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {writeEventLog, writeTasks} from './generate.js'
import {
  cli, createWorkspace, median, report, runs,
} from './harness.js'

const {cleanup, env, initProject, repo, sk, timeRuns} = createWorkspace('dashboard')

async function timedGet(url) {
  const start = process.hrtime.bigint()
  // eslint-disable-next-line n/no-unsupported-features/node-builtins -- stable in practice on Node 20
  const response = await fetch(url)
  await response.text()
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return Number(process.hrtime.bigint() - start) / 1e6
}

let server
try {
  initProject()
  sk(['agent', 'mission', 'create', 'bench-board'])
  const slug = readdirSync(join(repo, 'kitty-specs')).find(d => d.startsWith('bench-board'))
  writeTasks(join(repo, 'kitty-specs', slug), 500, 50)
  sk(['agent', 'mission', 'finalize-tasks', '--mission', slug])
  const statusDir = join(repo, '.worktrees', `${slug}-coord`, 'kitty-specs', slug)
  writeEventLog(statusDir, slug, 1000, 50)

  server = spawn(process.execPath, [cli, 'dashboard', '--json'], {cwd: repo, env})
  let out = ''
  const {url} = await new Promise((resolve, reject) => {
    server.stdout.on('data', chunk => {
      out += chunk
      try {
        resolve(JSON.parse(out))
      } catch {
        // not complete yet
      }
    })
    server.on('close', code => reject(new Error(`dashboard exited ${code}: ${out}`)))
  })
  const board = url.replace('/?', `/missions/${slug}?`)
  const first = await timedGet(board)
  const warm = []
  for (let i = 0; i < Math.max(runs, 20); i++) warm.push(await timedGet(board)) // eslint-disable-line no-await-in-loop
  const version = timeRuns(process.execPath, [cli, '--version'])
  const baseline = timeRuns(process.execPath, ['-e', '0'])
  report('Dashboard', baseline, [
    ['board page, 50 WPs, 1,000 events: first request (server + loopback)', first],
    ['board page, 50 WPs, 1,000 events: median of later requests', median(warm)],
    ['spec-kitty --version (cold process)', version],
  ])
} finally {
  server?.kill('SIGTERM')
  cleanup()
}
