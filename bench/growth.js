#!/usr/bin/env node
// How the work grows with the mission (issue #16): one table per axis (events, subtasks, ids, lanes,
// missions), each size's median CPU (user + system) of cold runs of the built CLI, its ratio to the
// smallest size, and peak memory; then start-up against `node -e 0` and a bare oclif CLI built in the
// same run. CPU and peak memory come from GNU time (/usr/bin/time); without it, wall time only.
// Usage: node bench/growth.js   (BENCH_RUNS sets the runs per figure; the million-event log takes a minute to write)
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readdirSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {
  subtaskId, writeEventLog, writeLanePrompts, writeTasks,
} from './generate.js'
import {
  cli, createWorkspace, median, root,
} from './harness.js'

const runs = Number(process.env.BENCH_RUNS ?? 5)
const GNU_TIME = '/usr/bin/time'
const hasTime = existsSync(GNU_TIME)
const {cleanup, env, git, initProject, repo, sk: run, work} = createWorkspace('growth')
const sk = (...args) => run(args)
// Start-up is measured without the CA bundle some machines preload into every Node start.
const quietEnv = {...env}
delete quietEnv.NODE_EXTRA_CA_CERTS

/** One cold run: CPU ms (user + system), wall ms, peak RSS MB. */
function sample(command, args, cwd = repo) {
  const start = process.hrtime.bigint()
  const result = hasTime
    ? spawnSync(GNU_TIME, ['-f', '%U %S %M', command, ...args], {
      cwd, encoding: 'utf8', env: quietEnv, stdio: ['ignore', 'ignore', 'pipe'],
    })
    : spawnSync(command, args, {
      cwd, encoding: 'utf8', env: quietEnv, stdio: ['ignore', 'ignore', 'pipe'],
    })
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  if (!hasTime) return {cpu: wall, rss: Number.NaN, wall}
  const [user, system, rss] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number)
  return {cpu: (user + system) * 1000, rss: rss / 1024, wall}
}

/** Medians of `runs` samples; `prepare(i)` runs untimed before each. */
function measure(command, args, {cwd, prepare} = {}) {
  const samples = []
  for (let i = 0; i < runs; i++) {
    prepare?.(i)
    samples.push(sample(command, args, cwd))
  }

  return {cpu: median(samples.map(s => s.cpu)), rss: median(samples.map(s => s.rss)), wall: median(samples.map(s => s.wall))}
}

function table(title, rows) {
  const unit = hasTime ? 'CPU ms' : 'wall ms'
  console.log(`\n${title} (median of ${runs} cold runs)\n`)
  console.log(`${'size'.padEnd(40)} ${unit.padStart(9)} ${'× smallest'.padStart(11)} ${'peak MB'.padStart(8)}`)
  const base = rows[0][1].cpu
  for (const [name, m] of rows) console.log(`${name.padEnd(40)} ${m.cpu.toFixed(0).padStart(9)} ${(m.cpu / base).toFixed(2).padStart(10)}× ${m.rss.toFixed(0).padStart(8)}`)
}

function newMission(name) {
  sk('agent', 'mission', 'create', name)
  const slug = readdirSync(join(repo, 'kitty-specs')).find(d => d.startsWith(`${name}-`))
  return {dir: join(repo, 'kitty-specs', slug), slug}
}

const status = slug => [cli, 'agent', 'tasks', 'status', '--mission', slug, '--json']

function eventsAxis() {
  const rows = []
  for (const events of [10_000, 100_000, 1_000_000]) {
    const {dir, slug} = newMission(`events${events}`)
    writeEventLog(dir, slug, events)
    rows.push([`status, ${events.toLocaleString('en')} events`, measure(process.execPath, status(slug))])
  }

  table('Events in the log: agent tasks status --json', rows)
}

function subtasksAxis() {
  const rows = []
  const big = {}
  for (const subtasks of [1000, 10_000]) {
    const {dir, slug} = newMission(`subtasks${subtasks}`)
    writeTasks(dir, subtasks)
    sk('agent', 'mission', 'finalize-tasks', '--mission', slug, '--no-auto-commit')
    rows.push([`status, ${subtasks.toLocaleString('en')} subtasks`, measure(process.execPath, status(slug))])
    Object.assign(big, {slug})
  }

  table('Subtasks in tasks.md: agent tasks status --json', rows)
  const idRows = []
  for (const count of [100, 1000]) {
    const ids = Array.from({length: count}, (_, i) => subtaskId(i * 10))
    let next = 'done'
    idRows.push([`mark-status, ${count} ids on 10,000 subtasks`, measure(process.execPath, [cli, 'agent', 'tasks', 'mark-status', ...ids, '--status', 'done', '--mission', big.slug, '--no-auto-commit', '--json'], {
      prepare(i) {
        // Every timed run must really edit: undo the previous one first.
        if (i > 0) sk('agent', 'tasks', 'mark-status', ...ids, '--status', 'pending', '--mission', big.slug, '--no-auto-commit')
        next = next === 'done' ? 'pending' : 'done'
      },
    })])
  }

  table('Ids per call: agent tasks mark-status', idRows)
}

function lanesAxis() {
  const rows = []
  for (const lanes of [4, 32]) {
    const {dir, slug} = newMission(`lanes${lanes}`)
    writeLanePrompts(dir, lanes * 2, lanes)
    git('add', '-A')
    git('commit', '-q', '-m', `plan ${slug}`)
    sk('agent', 'mission', 'finalize-tasks', '--mission', slug)
    const manifest = JSON.parse(spawnSync('cat', [join(repo, '.worktrees', `${slug}-coord`, 'kitty-specs', slug, 'lanes.json')], {encoding: 'utf8'}).stdout)
    for (const lane of manifest.lanes) git('branch', `${manifest.mission_branch}-${lane.lane_id}`, manifest.mission_branch)
    rows.push([`merge --dry-run, ${lanes} lanes`, measure(process.execPath, [cli, 'merge', '--mission', slug, '--dry-run', '--json'])])
  }

  table('Lanes: merge --dry-run --json', rows)
}

function missionsAxis() {
  const rows = []
  let made = readdirSync(join(repo, 'kitty-specs')).length
  const probe = newMission('probe')
  made++
  for (const missions of [10, 100]) {
    for (; made < missions; made++) mkdirSync(join(repo, 'kitty-specs', `filler-${made}`), {recursive: true})
    for (let i = 0; i < missions; i++) {
      const meta = join(repo, 'kitty-specs', `filler-${i}`, 'meta.json')
      if (existsSync(join(repo, 'kitty-specs', `filler-${i}`)) && !existsSync(meta)) writeFileSync(meta, JSON.stringify({mission_slug: `filler-${i}`, target_branch: 'feature/bench'}, null, 2) + '\n')
    }

    rows.push([`status, one of ${missions} missions`, measure(process.execPath, status(probe.slug))])
  }

  table('Missions in the repository: agent tasks status --json', rows)
}

/** A bare oclif 4 CLI with one command, on the same @oclif/core: the framework's own floor. */
function bareOclif() {
  const dir = join(work, 'bare-oclif')
  mkdirSync(join(dir, 'commands'), {recursive: true})
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'bare', oclif: {bin: 'bare', commands: './commands', dirname: 'bare'}, type: 'module', version: '1.0.0',
  }))
  writeFileSync(join(dir, 'commands', 'hello.js'), `import {Command} from '${join(root, 'node_modules', '@oclif', 'core', 'lib', 'index.js')}'\nexport default class Hello extends Command { async run() { this.log('hi') } }\n`)
  writeFileSync(join(dir, 'run.js'), `import {execute} from '${join(root, 'node_modules', '@oclif', 'core', 'lib', 'index.js')}'\nawait execute({dir: import.meta.url})\n`)
  return join(dir, 'run.js')
}

const quote = value => `'${String(value).replaceAll("'", String.raw`'\''`)}'`
const seconds = field => {
  const [, minutes, secs] = /^(\d+)m([\d.]+)s$/.exec(field)
  return (Number(minutes) * 60) + Number(secs)
}

/**
 * CPU ms (user + system) of one cold run, as the mean of a batch of `batch` runs of each command
 * line in `lines` (run in turn: a move and its move back), timed together by bash's `times`, which
 * reads to the millisecond where GNU time reads to ten.
 */
function batchSample(lines, batch) {
  const body = lines.map(args => `${args.map(arg => quote(arg)).join(' ')} >/dev/null 2>&1 </dev/null || [ $? -eq 1 ] || exit 9`).join('; ')
  const result = spawnSync('bash', ['-c', `for i in $(seq ${batch}); do ${body}; done; times`], {cwd: repo, encoding: 'utf8', env: quietEnv})
  if (result.status !== 0) throw new Error(`${lines.map(args => args.join(' ')).join('; ')} failed (${result.status})`)
  const [user, system] = result.stdout.trim().split('\n')[1].trim().split(/\s+/).map(field => seconds(field))
  return ((user + system) * 1000) / (batch * lines.length)
}

function startupCpu(lines) {
  const batch = 10
  return median(Array.from({length: runs}, () => batchSample(lines, batch)))
}

function startup() {
  const small = newMission('small')
  writeTasks(small.dir, 20, 4)
  sk('agent', 'mission', 'finalize-tasks', '--mission', small.slug, '--no-auto-commit')
  const bare = bareOclif()
  const node = process.execPath
  const tasks = (...args) => [node, cli, 'agent', 'tasks', ...args, '--mission', small.slug, '--no-auto-commit', '--json']
  const baseline = startupCpu([[node, '-e', '0']])
  const rows = [
    ['node -e 0', baseline],
    ['bare oclif 4 CLI, one command', startupCpu([[node, bare, 'hello']])],
    ['spec-kitty --version', startupCpu([[node, cli, '--version']])],
    ['spec-kitty --help', startupCpu([[node, cli, '--help']])],
    ['agent tasks status --help', startupCpu([[node, cli, 'agent', 'tasks', 'status', '--help']])],
    ['agent tasks status --json (4 WPs)', startupCpu([[node, ...status(small.slug)]])],
    ['agent tasks list-tasks --json (4 WPs)', startupCpu([[node, cli, 'agent', 'tasks', 'list-tasks', '--mission', small.slug, '--json']])],
    ['agent tasks move-task (a hop and back)', startupCpu([tasks('move-task', 'WP01', '--to', 'claimed'), tasks('move-task', 'WP01', '--to', 'planned', '--force', '--note', 'bench')])],
    ['agent tasks mark-status (done, pending)', startupCpu([tasks('mark-status', subtaskId(0), '--status', 'done'), tasks('mark-status', subtaskId(0), '--status', 'pending')])],
  ]
  // The lean launcher's snapshot and code cache are warm after the first of the ten runs of a batch.
  console.log(`\nStart-up: CPU ms (user + system) per cold run, median of ${runs} batches of 10, NODE_EXTRA_CA_CERTS unset\n`)
  for (const [name, cpu] of rows) console.log(`${name.padEnd(40)} ${cpu.toFixed(1).padStart(9)} ${(cpu / baseline).toFixed(2).padStart(10)}× node -e 0`)
}

try {
  initProject()
  console.log(`spec-kitty growth benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${hasTime ? 'CPU = user + system' : 'wall time (no /usr/bin/time)'}`)
  startup()
  eventsAxis()
  subtasksAxis()
  lanesAxis()
  missionsAxis()
} finally {
  cleanup()
}
