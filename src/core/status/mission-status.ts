import type {Mission} from '../mission/mission-handle.js'
import type {LaneOrGenesis} from './lanes.js'
import type {StatusEvent} from './status-event.js'

import {assertWritable} from '../io/writable.js'
import {appendEvents, eventLogPath, readEventLog} from './event-log.js'
import {type ReducedStatus, reduceEvents} from './reducer.js'
import {buildSnapshot, snapshotPath, writeSnapshot} from './status-snapshot.js'

export function readMissionStatus(mission: Mission): ReducedStatus {
  return reduceEvents(readEventLog(mission.dir))
}

export function laneOf(status: ReducedStatus, wpId: string): LaneOrGenesis {
  return status.workPackages.get(wpId)?.lane ?? 'genesis'
}

/**
 * Append events and rematerialize status.json from the whole log. The caller holds the mission lock
 * and has re-read the log inside it.
 */
export function recordEvents(mission: Mission, events: readonly StatusEvent[]): ReducedStatus {
  assertWritable([eventLogPath(mission.dir), snapshotPath(mission.dir)])
  appendEvents(mission.dir, events)
  const status = readMissionStatus(mission)
  writeSnapshot(mission.dir, buildSnapshot(status, mission.meta))
  return status
}
