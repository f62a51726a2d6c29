import {join} from 'node:path'

import type {MissionMeta} from '../mission/mission-meta.js'
import type {ReducedStatus, WorkPackageState} from './reducer.js'

import {writeFileIfChanged} from '../io/atomic-write.js'
import {pythonJsonDocument} from '../io/python-json.js'
import {type Lane, LANES} from './lanes.js'

export const snapshotPath = (missionDir: string): string => join(missionDir, 'status.json')

export interface StatusSnapshot {
  event_count: number
  last_event_id: null | string
  materialized_at: string
  mission_number: string
  mission_slug: string
  mission_type: string
  summary: Record<Lane, number>
  work_packages: Record<string, WorkPackageState>
}

/** status.json as upstream materializes it; `materialized_at` is the last event's time, not now. */
export function buildSnapshot(reduced: ReducedStatus, meta: MissionMeta): StatusSnapshot {
  const summary = Object.fromEntries(LANES.map(lane => [lane, 0])) as Record<Lane, number>
  const workPackages: StatusSnapshot['work_packages'] = {}
  for (const [wpId, state] of reduced.workPackages) {
    summary[state.lane]++
    workPackages[wpId] = state
  }

  const number = meta.mission_number
  return {
    event_count: reduced.eventCount,
    last_event_id: reduced.lastEventId,
    materialized_at: reduced.lastAt,
    mission_number: number === null || number === undefined ? '' : String(number),
    // Upstream takes the slug from the first event, so an empty log gives "".
    mission_slug: reduced.missionSlug ?? '',
    mission_type: typeof meta.mission_type === 'string' ? meta.mission_type : 'software-dev',
    summary,
    work_packages: workPackages,
  }
}

export function writeSnapshot(missionDir: string, snapshot: StatusSnapshot): boolean {
  return writeFileIfChanged(snapshotPath(missionDir), pythonJsonDocument(snapshot))
}
