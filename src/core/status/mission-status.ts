import type {Mission} from '../mission/mission-handle.js'
import type {LaneOrGenesis} from './lanes.js'
import type {LifecycleRow} from './lifecycle-rows.js'
import type {StatusEvent} from './status-event.js'

import {assertWritable} from '../io/writable.js'
import {CliError} from '../output/cli-error.js'
import {
  appendEvents, eventLogPath, readMissionLog, streamMissionLog,
} from './event-log.js'
import {journalEvents} from './publication-journal.js'
import {type ReducedStatus, reduceEvents, StreamingReduction} from './reducer.js'
import {buildSnapshot, snapshotPath, writeSnapshot} from './status-snapshot.js'

/** The mission's status: folded while the log streams by, or, for a log not in time order, from all of it. */
export function readMissionStatus(mission: Mission): ReducedStatus {
  const streaming = new StreamingReduction()
  streamMissionLog(mission.dir, streaming)
  const folded = streaming.result()
  if (folded) return folded
  const log = readMissionLog(mission.dir)
  return reduceEvents(log.lanes, log.annotations)
}

export function laneOf(status: ReducedStatus, wpId: string): LaneOrGenesis {
  return status.workPackages.get(wpId)?.lane ?? 'genesis'
}

/**
 * Append events and rematerialize status.json from the whole log. The caller holds the mission lock
 * and passes `current`, the status it re-read inside that lock (read once, not again here).
 */
export function recordEvents(mission: Mission, events: readonly StatusEvent[], current: ReducedStatus, lifecycle: readonly LifecycleRow[] = []): ReducedStatus {
  assertWritable([eventLogPath(mission.dir), snapshotPath(mission.dir)])
  assertNotBehindLog(mission, events, current)
  journalEvents(mission.root, mission.slug, events)
  // Lifecycle rows first, in the same write: the order the Python CLI logs them in.
  appendEvents(mission.dir, [...lifecycle, ...events])
  const status = readMissionStatus(mission)
  writeSnapshot(mission.dir, buildSnapshot(status, mission.meta))
  return status
}

/**
 * Events are ordered by their `at`: a new event dated before a WP's latest one would be appended but
 * never take effect, and the command would report a move that did not happen. That only occurs when
 * the log holds an event from the future (a machine with a wrong clock, or an edited log).
 */
function assertNotBehindLog(mission: Mission, events: readonly StatusEvent[], current: ReducedStatus): void {
  for (const event of events) {
    const latest = current.workPackages.get(event.wp_id)
    if (latest && latest.last_transition_at > event.at) {
      throw new CliError('event_log_from_future', `The latest event of ${event.wp_id} (${latest.last_event_id}) is dated ${latest.last_transition_at}, later than now (${event.at}): a new event would be ordered before it and not take effect. Nothing was written.`, {
        remediation: `Check this machine's clock (date -u). If it is right, the log of ${mission.slug} holds an event with a wrong date: find it with grep -n ${latest.last_event_id} ${eventLogPath(mission.dir)} and compare with git log -p.`,
      })
    }
  }
}
