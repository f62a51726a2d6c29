import type {Mission} from '../mission/mission-handle.js'
import type {TaskReferenceRegistry} from '../tasks/task-reference-registry.js'

import {missionNumber} from '../mission/mission-meta.js'
import {loadMissionTasks} from '../tasks/tasks-file.js'
import {LANE_WEIGHT, type LaneOrGenesis, LANES} from './lanes.js'
import {laneOf, readMissionStatus} from './mission-status.js'

export interface BoardWorkPackage {
  actor: null | string
  file: null | string
  force_count: number
  id: string
  lane: LaneOrGenesis
  last_transition_at: null | string
  subtasks: {done: number; total: number}
  title: null | string
}

export interface StatusBoard {
  by_lane: Record<string, number>
  done_count: number
  done_percentage: number
  mission_number: null | number
  mission_slug: string
  mission_type: string
  progress_percentage: number
  progress_semantics: 'weighted_readiness'
  total_wps: number
  weighted_percentage: number
  work_packages: BoardWorkPackage[]
}

const round1 = (value: number): number => Math.round(value * 10) / 10

/**
 * The mission board from the event log. Done count and weighted readiness are separate numbers
 * with their own names (upstream #966 showed "0/6 (80%)" and misled people).
 */
export function buildStatusBoard(mission: Mission, registry: TaskReferenceRegistry): StatusBoard {
  const status = readMissionStatus(mission)
  const tasks = loadMissionTasks(mission.dir)
  const ids = [...new Set([...status.workPackages.keys(), ...tasks.doc.workPackageIds()])].sort()
  const workPackages = ids.map((id): BoardWorkPackage => {
    const state = status.workPackages.get(id)
    return {
      actor: state?.actor ?? null,
      file: tasks.workPackages.get(id)?.path ?? null,
      force_count: state?.force_count ?? 0,
      id,
      lane: laneOf(status, id),
      last_transition_at: state?.last_transition_at ?? null,
      subtasks: registry.subtaskCounts(tasks.doc, id),
      title: tasks.workPackages.get(id)?.title ?? null,
    }
  })
  const byLane: Record<string, number> = Object.fromEntries(LANES.map(lane => [lane, 0]))
  for (const wp of workPackages) byLane[wp.lane] = (byLane[wp.lane] ?? 0) + 1
  const total = workPackages.length
  const {done} = byLane
  const weighted = total === 0 ? 0 : (100 * workPackages.reduce((sum, wp) => sum + (wp.lane === 'genesis' ? 0 : LANE_WEIGHT[wp.lane]), 0)) / total
  return {
    by_lane: byLane,
    done_count: done,
    done_percentage: total === 0 ? 0 : round1((100 * done) / total),
    mission_number: missionNumber(mission.meta),
    mission_slug: mission.slug,
    mission_type: typeof mission.meta.mission_type === 'string' ? mission.meta.mission_type : 'software-dev',
    progress_percentage: round1(weighted),
    progress_semantics: 'weighted_readiness',
    total_wps: total,
    weighted_percentage: round1(weighted),
    work_packages: workPackages,
  }
}
