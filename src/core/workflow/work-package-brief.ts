import {existsSync, readFileSync} from 'node:fs'
import {relative} from 'node:path'
import {parse} from 'yaml'

import type {Mission} from '../mission/mission-handle.js'
import type {TaskReferenceRegistry} from '../tasks/task-reference-registry.js'

import {git} from '../git/git.js'
import {laneBranch, readLanesManifest} from '../mission/lanes-manifest.js'
import {planningFile} from '../mission/setup-plan.js'
import {loadMissionTasks} from '../tasks/tasks-file.js'
import {splitFrontmatter} from '../tasks/work-package-files.js'

/** What an agent needs to know about one work package, read from the mission's files. */
export interface WorkPackageBrief {
  /** The prompt file's text after its frontmatter. */
  instructions: string
  planFile: string
  /** The prompt file, relative to the project root; null when the WP has none. */
  promptFile: null | string
  /** Lines of spec.md that name one of the WP's `requirement_refs`. */
  requirements: string[]
  specFile: string
  subtasks: Array<{done: boolean; id: string}>
  /** The "Success Criteria" section of spec.md, what a review checks the work against. */
  successCriteria: string[]
  title: null | string
  wpId: string
}

function requirementRefs(frontmatter: string | undefined): string[] {
  if (frontmatter === undefined) return []
  try {
    const refs = (parse(frontmatter) as {requirement_refs?: unknown} | null)?.requirement_refs
    return Array.isArray(refs) ? refs.filter((ref): ref is string => typeof ref === 'string') : []
  } catch {
    return []
  }
}

/** The lines of a `## <heading>` section of a markdown text, blank lines and sub-headings kept. */
function section(text: string, heading: RegExp): string[] {
  const lines = text.split('\n')
  const start = lines.findIndex(line => /^##\s/.test(line) && heading.test(line))
  if (start === -1) return []
  const end = lines.findIndex((line, index) => index > start && /^##\s/.test(line))
  return lines.slice(start + 1, end === -1 ? undefined : end).filter(line => line.trim() !== '')
}

export function workPackageBrief(mission: Mission, wpId: string, registry: TaskReferenceRegistry): WorkPackageBrief {
  const tasks = loadMissionTasks(mission.dir)
  const file = tasks.workPackages.get(wpId)
  const {body, frontmatter} = file ? splitFrontmatter(readFileSync(file.path, 'utf8')) : {body: '', frontmatter: undefined}
  const specPath = planningFile(mission, 'spec.md')
  const spec = existsSync(specPath) ? readFileSync(specPath, 'utf8') : ''
  const refs = requirementRefs(frontmatter)
  return {
    instructions: body.trim(),
    planFile: relative(mission.root, planningFile(mission, 'plan.md')),
    promptFile: file ? relative(mission.root, file.path) : null,
    requirements: refs.length === 0 ? [] : spec.split('\n').filter(line => refs.some(ref => new RegExp(`\\b${ref.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}\\b`).test(line))),
    specFile: relative(mission.root, specPath),
    subtasks: (registry.subtasksOf(tasks.doc, wpId) ?? []).map(id => ({done: registry.subtaskState(tasks.doc, id) === 'done', id})),
    successCriteria: section(spec, /success criteria/i),
    title: file?.title ?? null,
    wpId,
  }
}

/** What a lane changed against the mission branch it merges into: the stat and the patch (capped). */
export function laneDiff(mission: Mission, wpId: string, maxBytes = 200_000): {branch: null | string; patch: string; stat: string; truncated: boolean} {
  const manifest = readLanesManifest(mission.dir)
  const lane = manifest?.lanes.find(l => l.wp_ids.includes(wpId))
  if (!manifest || !lane) return {
    branch: null, patch: '', stat: '', truncated: false,
  }
  const branch = laneBranch(manifest, lane.lane_id)
  const range = `refs/heads/${manifest.mission_branch}...refs/heads/${branch}`
  const stat = git(['diff', '--stat', '--end-of-options', range], mission.root)
  if (stat.code !== 0) return {
    branch, patch: '', stat: '', truncated: false,
  }
  const patch = git(['diff', '--end-of-options', range], mission.root).stdout
  return {
    branch, patch: patch.length > maxBytes ? patch.slice(0, maxBytes) : patch, stat: stat.stdout.trimEnd(), truncated: patch.length > maxBytes,
  }
}
