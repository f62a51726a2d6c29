import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {parseJson, type Sandbox} from './sandbox.js'

export const TWO_WP_TASKS = `# Tasks

| ID | Description | WP | Parallel |
|----|-------------|----|----------|
| T001 | Schema | WP01 | [P] |
| T002 | API | WP01 | |
| T003 | Docs | WP02 | |

## Work Package WP01: Setup

- [ ] T001 Schema
- [ ] T002 API

## Work Package WP02: Docs

Depends on WP01

**Subtasks**: T003, T004
`

export interface MissionFixture {
  /** Where the mission's status lives: its coordination worktree's copy (every new mission has one). */
  dir: string
  /** kitty-specs/<slug> of the primary checkout: meta.json and the planning copy. */
  primaryDir: string
  slug: string
}

/** The mission folder in its coordination worktree when it has one, else in the primary checkout. */
export function statusDir(repo: string, slug: string): string {
  const coordinated = join(repo, '.worktrees', `${slug}-coord`, 'kitty-specs', slug)
  return existsSync(coordinated) ? coordinated : join(repo, 'kitty-specs', slug)
}

/** create → tasks.md (+ prompt files) → commit the plan → finalize-tasks, through the real CLI. */
export function createMission(sandbox: Sandbox, tasks = TWO_WP_TASKS, promptFiles: Record<string, string> = {}, name = 'demo-widgets', options: {legacy?: boolean} = {}): MissionFixture {
  const created = sandbox.cli(['agent', 'mission', 'create', name, '--json'])
  if (created.code !== 0) throw new Error(`create failed: ${created.stdout}${created.stderr}`)
  const slug = String(parseJson(created.stdout).mission_slug)
  const primaryDir = join(sandbox.repo, 'kitty-specs', slug)
  if (options.legacy) makeLegacy(sandbox, slug)
  sandbox.write(`kitty-specs/${slug}/tasks.md`, tasks)
  for (const [file, text] of Object.entries(promptFiles)) sandbox.write(`kitty-specs/${slug}/tasks/${file}`, text)
  sandbox.git(['add', '-A'])
  sandbox.git(['commit', '-q', '-m', `plan ${slug}`])
  const finalized = sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'])
  if (finalized.code !== 0) throw new Error(`finalize failed: ${finalized.stdout}${finalized.stderr}`)
  // A legacy mission's finalize writes lanes.json and the log in the primary checkout, uncommitted.
  if (options.legacy) {
    sandbox.git(['add', '-A'])
    sandbox.git(['commit', '-q', '-m', `finalize ${slug}`])
  }

  return {dir: statusDir(sandbox.repo, slug), primaryDir, slug}
}

/** A mission as Spec Kitty before 3.2 wrote it: no coordination branch, status in the primary checkout. */
export function makeLegacy(sandbox: Sandbox, slug: string): void {
  const path = join(sandbox.repo, 'kitty-specs', slug, 'meta.json')
  const meta = JSON.parse(readFileSync(path, 'utf8'))
  delete meta.coordination_branch
  writeFileSync(path, JSON.stringify(meta, null, 2) + '\n')
  sandbox.git(['branch', '-D', `kitty/mission-${slug}`])
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8')
}
