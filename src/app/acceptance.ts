import {existsSync} from 'node:fs'
import {join} from 'node:path'

import type {Mission} from '../core/mission/mission-handle.js'
import type {TaskReferenceRegistry} from '../core/tasks/task-reference-registry.js'

import {dirtyPaths} from '../core/git/git.js'
import {worktreePath} from '../core/merge/merge-context.js'
import {readLanesManifest} from '../core/mission/lanes-manifest.js'
import {isWritten} from '../core/mission/setup-plan.js'
import {shellQuote} from '../core/output/shell-quote.js'
import {laneOf, readMissionStatus} from '../core/status/mission-status.js'
import {loadMissionTasks} from '../core/tasks/tasks-file.js'

export interface AcceptanceCheck {
  id: 'artifacts' | 'subtasks' | 'work_packages' | 'worktrees_clean'
  message: string
  ok: boolean
  remediation: null | string
}

const LANDED = new Set(['approved', 'canceled', 'done'])

/**
 * Is the mission ready to land? Every check runs and reports, so one report lists every problem.
 * Reads only; `merge --dry-run` then checks the git side (branches, conflicts, the target).
 */
export function acceptanceChecks(mission: Mission, registry: TaskReferenceRegistry): AcceptanceCheck[] {
  const status = readMissionStatus(mission)
  const tasks = loadMissionTasks(mission.dir)
  const wpIds = [...new Set([...status.workPackages.keys(), ...tasks.doc.workPackageIds()])].sort()
  const m = `--mission ${mission.slug}`

  const open = wpIds.filter(id => !LANDED.has(laneOf(status, id)))
  const pending = wpIds.flatMap(id => {
    const left = registry.unfinishedSubtasks(tasks.doc, id)
    return left.length > 0 ? [{id, left}] : []
  })
  const missing = (['spec.md', 'plan.md'] as const).filter(name => !isWritten(mission, name))
  const manifest = readLanesManifest(mission.dir)
  const worktrees = [
    ...(manifest?.lanes ?? []).map(lane => worktreePath(mission.root, mission.slug, lane.lane_id)),
    ...(mission.coordination ? [mission.coordination.worktree] : []),
  ].filter(path => existsSync(path))
  const dirty = worktrees.filter(path => dirtyPaths(path).length > 0)

  return [
    {
      id: 'work_packages',
      message: open.length === 0 ? `All ${wpIds.length} work package(s) are approved or done.` : `Not approved yet: ${open.map(id => `${id} (${laneOf(status, id)})`).join(', ')}.`,
      ok: wpIds.length > 0 && open.length === 0,
      remediation: open.length === 0 ? (wpIds.length === 0 ? `spec-kitty agent mission finalize-tasks ${m}` : null) : `Review them: spec-kitty next ${m}`,
    },
    {
      id: 'subtasks',
      message: pending.length === 0 ? 'Every subtask is done.' : `Subtasks not done: ${pending.map(p => `${p.id}: ${p.left.join(' ')}`).join('; ')}.`,
      ok: pending.length === 0,
      remediation: pending.length === 0 ? null : `spec-kitty agent tasks mark-status ${pending.flatMap(p => p.left).join(' ')} --status done ${m}`,
    },
    {
      id: 'artifacts',
      message: missing.length === 0 ? 'spec.md and plan.md are written.' : `Missing, empty or still the scaffold: ${missing.join(', ')}.`,
      ok: missing.length === 0,
      remediation: missing.length === 0 ? null : `Write ${missing.map(name => join(mission.primaryDir, name)).join(' and ')}.`,
    },
    {
      id: 'worktrees_clean',
      message: dirty.length === 0 ? 'No uncommitted changes in the lane and coordination worktrees.' : `Uncommitted changes in ${dirty.join(', ')}.`,
      ok: dirty.length === 0,
      remediation: dirty.length === 0 ? null : `Commit them: ${dirty.map(path => `git -C ${shellQuote(path)} status`).join(' && ')}`,
    },
  ]
}
