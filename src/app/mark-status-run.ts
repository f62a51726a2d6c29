import type {SubtaskStatus} from '../api/index.js'
import type {Mission} from '../core/mission/mission-handle.js'
import type {TaskReferenceRegistry} from '../core/tasks/task-reference-registry.js'

import {assertAutoCommitAllowed, commitFiles, specLabel} from '../core/git/auto-commit.js'
import {writeFileAtomic} from '../core/io/atomic-write.js'
import {encodeText} from '../core/io/regular-file.js'
import {assertWritable} from '../core/io/writable.js'
import {withMissionLock} from '../core/mission/mission-lock.js'
import {CliError} from '../core/output/cli-error.js'
import {laneOf, readMissionStatus} from '../core/status/mission-status.js'
import {type MarkStatusPlan, planMarkStatus} from '../core/tasks/mark-status.js'
import {loadMissionTasks} from '../core/tasks/tasks-file.js'

export interface MarkStatusRequest {
  autoCommit: boolean
  ids: readonly string[]
  mission: Mission
  registry: TaskReferenceRegistry
  status: SubtaskStatus
}

export interface MarkStatusRun extends MarkStatusPlan {
  commit: string | undefined
  written: boolean
}

/** Resolve every id under the mission lock, then write tasks.md once (atomically) if it changed. */
export function runMarkStatus(request: MarkStatusRequest): MarkStatusRun {
  const {mission} = request
  if (request.ids.length === 0) {
    throw new CliError('no_ids', 'No task ids given.', {remediation: `spec-kitty agent tasks mark-status T001 T002 --status done --mission ${mission.slug}`})
  }

  if (request.autoCommit) assertAutoCommitAllowed(mission.checkout)
  return withMissionLock(mission, () => {
    const tasks = loadMissionTasks(mission.dir)
    if (!tasks.exists) {
      throw new CliError('tasks_missing', `${tasks.path} does not exist.`, {remediation: 'Write tasks.md for this mission first (spec-kitty plans it in the tasks phase).'})
    }

    const status = readMissionStatus(mission)
    const plan = planMarkStatus({
      doc: tasks.doc,
      ids: request.ids,
      laneOf: wpId => laneOf(status, wpId),
      missionSlug: mission.slug,
      registry: request.registry,
      status: request.status,
    })
    const written = plan.doc.text() !== tasks.doc.text()
    if (written) {
      assertWritable([tasks.path])
      writeFileAtomic(tasks.path, encodeText(plan.doc.text(), tasks.encoding))
    }

    const count = plan.summary.updated
    const subject = count === 1 ? `Mark ${plan.results.find(r => r.outcome === 'updated')!.id} as ${request.status}` : `Mark ${count} subtasks as ${request.status}`
    const commit = written && request.autoCommit ? commitFiles(mission.checkout, [tasks.path], `chore: ${subject} on spec ${specLabel(mission.slug)}`) : undefined
    return {...plan, commit, written}
  })
}
