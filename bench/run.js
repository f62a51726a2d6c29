#!/usr/bin/env node
// Benchmarks of ARCHITECTURE §10, against the built CLI. Every figure is a median of cold process
// runs, also given as a ratio to a bare `node -e 0` measured in the same run. Usage: npm run bench
import {readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {
  cli, createWorkspace, median, report, root,
} from './harness.js'

const {cleanup, git, initProject, repo, sk: run, timeRuns} = createWorkspace('core')
const sk = (...args) => run(args)

/** 50 WPs, 10 subtasks each (500 in all): the mission agents work on. */
function bigMission() {
  sk('agent', 'mission', 'create', 'bench-fifty')
  const slug = readdirSync(join(repo, 'kitty-specs')).find(d => d.startsWith('bench-fifty'))
  const sections = Array.from({length: 50}, (_, w) => {
    const wp = `WP${String(w + 1).padStart(2, '0')}`
    const rows = Array.from({length: 10}, (_, t) => `- [ ] T${String((w * 10) + t + 1).padStart(3, '0')} subtask ${t}`)
    return `## Work Package ${wp}: part ${w}\n\n${rows.join('\n')}\n`
  })
  const index = Array.from({length: 500}, (_, i) => `| T${String(i + 1).padStart(3, '0')} | subtask | WP${String(Math.floor(i / 10) + 1).padStart(2, '0')} | [P] |`)
  writeFileSync(join(repo, 'kitty-specs', slug, 'tasks.md'), `# Tasks\n\n| ID | Description | WP | Parallel |\n|---|---|---|---|\n${index.join('\n')}\n\n${sections.join('\n')}`)
  sk('agent', 'mission', 'finalize-tasks', '--mission', slug)
  sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--no-auto-commit')
  return slug
}

/** 40 WPs in 8 lanes with their branches, for the merge dry run. */
function laneMission() {
  sk('agent', 'mission', 'create', 'bench-lanes')
  const slug = readdirSync(join(repo, 'kitty-specs')).find(d => d.startsWith('bench-lanes'))
  const dir = join(repo, 'kitty-specs', slug)
  const sections = []
  for (let w = 1; w <= 40; w++) {
    const wp = `WP${String(w).padStart(2, '0')}`
    sections.push(`## Work Package ${wp}\n- [ ] T${String(w).padStart(3, '0')} x\n`)
    writeFileSync(join(dir, 'tasks', `${wp}-x.md`), `---\nwork_package_id: ${wp}\nsubtasks: [T${String(w).padStart(3, '0')}]\nowned_files: [src/lane${w % 8}.txt]\n---\n`)
  }

  writeFileSync(join(dir, 'tasks.md'), `# Tasks\n\n${sections.join('\n')}`)
  sk('agent', 'mission', 'finalize-tasks', '--mission', slug)
  git('add', '-A')
  git('commit', '-q', '-m', 'plan')
  // mission create made the coordination branch kitty/mission-<slug>; the lanes branch off the plan.
  for (let lane = 0; lane < 8; lane++) git('branch', `kitty/mission-${slug}-lane-${String.fromCodePoint(97 + lane)}`)
  return slug
}

async function replayBench() {
  const {parseEventLog} = await import(join(root, 'dist/core/status/event-log.js'))
  const {reduceEvents} = await import(join(root, 'dist/core/status/reducer.js'))
  const {pythonJsonLine} = await import(join(root, 'dist/core/io/python-json.js'))
  const lanes = ['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done']
  const lines = []
  for (let i = 0; i < 100_000; i++) {
    const at = new Date(Date.UTC(2026, 0, 1) + (i * 1000)).toISOString().replace('Z', '000+00:00')
    lines.push(pythonJsonLine({
      actor: 'agent', at, event_id: `01J${String(i).padStart(23, '0')}`, evidence: null, execution_mode: 'worktree', force: false, from_lane: lanes[i % 7], mission_slug: 'bench', policy_metadata: null, reason: null, review_ref: null, to_lane: lanes[(i + 1) % 7], wp_id: `WP${String(i % 200).padStart(3, '0')}`,
    }))
  }

  const text = lines.join('\n') + '\n'
  const samples = []
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint()
    reduceEvents(parseEventLog(text, 'bench'))
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }

  return {megabytes: (Buffer.byteLength(text) / 1e6).toFixed(1), ms: median(samples)}
}

try {
  initProject()
  const slug = bigMission()
  const laneSlug = laneMission()
  const baseline = timeRuns(process.execPath, ['-e', '0'])
  const rows = [
    ['spec-kitty --version', timeRuns(process.execPath, [cli, '--version'])],
    ['agent tasks status --json (50 WPs, 500 subtasks)', timeRuns(process.execPath, [cli, 'agent', 'tasks', 'status', '--mission', slug, '--json'])],
    ['agent tasks move-task (50-WP mission)', timeRuns(process.execPath, [cli, 'agent', 'tasks', 'move-task', 'WP01', '--to', 'blocked', '--mission', slug, '--no-auto-commit', '--json'], {
      prepare(i) {
        if (i > 0) sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--no-auto-commit')
      },
    })],
    ['agent tasks mark-status, 50 ids (500-subtask tasks.md)', (() => {
      const ids = Array.from({length: 50}, (_, i) => `T${String((i * 10) + 1).padStart(3, '0')}`)
      let status = 'done'
      return timeRuns(process.execPath, [cli, 'agent', 'tasks', 'mark-status', ...ids, '--status', 'done', '--mission', slug, '--no-auto-commit', '--json'], {
        prepare(i) {
          // Alternate so that every timed run really edits: undo the previous run first.
          if (i > 0) sk('agent', 'tasks', 'mark-status', ...ids, '--status', 'pending', '--mission', slug, '--no-auto-commit')
          status = status === 'done' ? 'pending' : 'done'
        },
      })
    })()],
    ['merge --dry-run --json (8 lanes, 40 WPs)', timeRuns(process.execPath, [cli, 'merge', '--mission', laneSlug, '--dry-run', '--json'])],
  ]
  const replay = await replayBench()
  report('Core commands', baseline, rows)
  console.log(`${`reduce a 100,000-event log (${replay.megabytes} MB, in process)`.padEnd(64)} ${replay.ms.toFixed(1).padStart(8)} ms`)
} finally {
  cleanup()
}
