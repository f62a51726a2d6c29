#!/usr/bin/env node
// The main job, end to end, in a throwaway git repository: init → mission create → tasks.md →
// finalize-tasks → move-task → mark-status → status, printing each command and its output.
import {execFileSync, spawnSync} from 'node:child_process'
import {
  mkdtempSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const repo = mkdtempSync(join(tmpdir(), 'spec-kitty-demo-'))
const env = {
  ...process.env, GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_AUTHOR_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'demo',
}
const git = (...args) => execFileSync('git', args, {cwd: repo, env, stdio: 'pipe'})

function sk(...args) {
  console.log(`\n$ spec-kitty ${args.join(' ')}`)
  const result = spawnSync(process.execPath, [cli, ...args], {cwd: repo, encoding: 'utf8', env})
  process.stdout.write(result.stdout)
  process.stdout.write(result.stderr)
  console.log(`(exit ${result.status})`)
  return result
}

try {
  git('init', '-q', '-b', 'feature/widgets')
  git('commit', '-q', '--allow-empty', '-m', 'init')
  console.log(`Demo repository: ${repo}`)
  sk('init', '--ai', 'claude')
  sk('agent', 'mission', 'create', 'demo-widgets', '--purpose-tldr', 'Show the mission lifecycle')
  const slug = readdirSync(join(repo, 'kitty-specs'))[0]
  writeFileSync(join(repo, 'kitty-specs', slug, 'tasks.md'), `# Tasks

| ID | Description | WP | Parallel |
|----|-------------|----|----------|
| T001 | Schema | WP01 | [P] |
| T002 | API | WP01 | |

## Work Package WP01: Setup

- [ ] T001 Schema
- [ ] T002 API

## Work Package WP02: Docs

Depends on WP01

**Subtasks**: T003, T004
`)
  git('add', '-A')
  git('commit', '-q', '-m', 'Plan demo mission')
  sk('agent', 'mission', 'finalize-tasks', '--mission', slug)
  sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--agent', 'claude')
  sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--agent', 'claude')
  sk('agent', 'tasks', 'mark-status', 'WP01', 'T004', 'T999', '--status', 'done', '--mission', slug, '--json')
  sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--agent', 'claude')
  sk('agent', 'tasks', 'status', '--mission', slug)
  console.log('\nLast commits on feature/widgets (nothing but the plan until merge):')
  console.log(git('log', '--format=  %h %s', '-5').toString())
  console.log(`Last commits on kitty/mission-${slug} (the coordination branch, where lane moves and ticks are committed):`)
  console.log(git('log', '--format=  %h %s', '-5', `kitty/mission-${slug}`).toString())
} finally {
  if (!process.env.KEEP_DEMO) rmSync(repo, {force: true, recursive: true})
}
