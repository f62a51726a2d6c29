import type {SubtaskStatus} from '../../api/index.js'
import type {Mission} from '../mission/mission-handle.js'
import type {TaskReferenceRegistry} from './task-reference-registry.js'

import {assertAutoCommitAllowed, commitFiles, specLabel} from '../git/auto-commit.js'
import {writeFileAtomic} from '../io/atomic-write.js'
import {encodeText} from '../io/regular-file.js'
import {assertWritable} from '../io/writable.js'
import {withMissionLock} from '../mission/mission-lock.js'
import {CliError} from '../output/cli-error.js'
import {laneOf, readMissionStatus} from '../status/mission-status.js'
import {type MarkStatusPlan, planMarkStatus} from './mark-status.js'
import {loadMissionTasks} from './tasks-file.js'

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
