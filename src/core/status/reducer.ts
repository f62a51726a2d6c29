import type {AnnotationRecord, LaneRecord} from './event-log.js'
import type {Lane} from './lanes.js'

export interface WorkPackageState {
  actor: string
  force_count: number
  lane: Lane
  last_event_id: string
  last_transition_at: string
}

export interface ReducedStatus {
  eventCount: number
  lastAt: string
  lastEventId: null | string
  /** Slug of the first event in order (upstream takes it from there). */
  missionSlug: string | undefined
  /** Subtask runtime states per WP from annotation rows (Spec Kitty 3.2.1+), the latest winning. */
  subtaskStates: Map<string, Record<string, string>>
  workPackages: Map<string, WorkPackageState>
}

/** A review sending work back: it wins over a forward event with the same timestamp. */
function isRollback(record: LaneRecord): boolean {
  return record.toLane === 'in_progress' && (record.fromLane === 'in_review' || (record.fromLane === 'for_review' && record.reviewRef !== null))
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}

/** Upstream sorts by (at, event_id) as strings: the timestamp spelling is part of the contract. */
function byTimeThenId(a: Pick<LaneRecord, 'at' | 'eventId'>, b: Pick<LaneRecord, 'at' | 'eventId'>): number {
  return compareStrings(a.at, b.at) || compareStrings(a.eventId, b.eventId)
}

/**
 * Fold the log into per-WP state (upstream `status/reducer.py`): dedupe by event_id keeping the first,
 * stable-sort by (at, event_id) as strings, never re-validate history (old logs hold edges that are
 * illegal today), count forced events, and let a rollback win a tie on `at`.
 */
export function reduceEvents(records: readonly LaneRecord[], annotations: readonly AnnotationRecord[] = []): ReducedStatus {
  const seen = new Set<string>()
  const unique: LaneRecord[] = []
  for (const record of records) {
    if (seen.has(record.eventId)) continue
    seen.add(record.eventId)
    unique.push(record)
  }

  unique.sort(byTimeThenId)

  const workPackages = new Map<string, WorkPackageState>()
  const rolledBackAt = new Map<string, string>()
  for (const record of unique) {
    const current = workPackages.get(record.wpId)
    if (current && rolledBackAt.get(record.wpId) === record.at && !isRollback(record)) continue
    if (isRollback(record)) rolledBackAt.set(record.wpId, record.at)
    workPackages.set(record.wpId, {
      actor: record.actor,
      force_count: (current?.force_count ?? 0) + (record.force ? 1 : 0),
      lane: record.toLane,
      last_event_id: record.eventId,
      last_transition_at: record.at,
    })
  }

  const subtaskStates = new Map<string, Record<string, string>>()
  for (const annotation of [...annotations].sort(byTimeThenId)) {
    if (Object.keys(annotation.subtasks).length === 0) continue
    subtaskStates.set(annotation.wpId, {...subtaskStates.get(annotation.wpId), ...annotation.subtasks})
  }

  const last = unique.at(-1)
  return {
    eventCount: unique.length,
    lastAt: last?.at ?? '',
    lastEventId: last?.eventId ?? null,
    missionSlug: unique[0]?.missionSlug,
    subtaskStates,
    workPackages,
  }
}
