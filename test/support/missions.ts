import {readFileSync} from 'node:fs'
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
  dir: string
  slug: string
}

/** create → tasks.md (+ prompt files) → finalize-tasks → commit, through the real CLI. */
export function createMission(sandbox: Sandbox, tasks = TWO_WP_TASKS, promptFiles: Record<string, string> = {}, name = 'demo-widgets'): MissionFixture {
  const created = sandbox.cli(['agent', 'mission', 'create', name, '--json'])
  if (created.code !== 0) throw new Error(`create failed: ${created.stdout}${created.stderr}`)
  const slug = String(parseJson(created.stdout).mission_slug)
  const dir = join(sandbox.repo, 'kitty-specs', slug)
  sandbox.write(`kitty-specs/${slug}/tasks.md`, tasks)
  for (const [file, text] of Object.entries(promptFiles)) sandbox.write(`kitty-specs/${slug}/tasks/${file}`, text)
  const finalized = sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'])
  if (finalized.code !== 0) throw new Error(`finalize failed: ${finalized.stdout}${finalized.stderr}`)
  sandbox.git(['add', '-A'])
  sandbox.git(['commit', '-q', '-m', `plan ${slug}`])
  return {dir, slug}
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8')
}
