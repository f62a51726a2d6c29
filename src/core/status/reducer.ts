import type {AnnotationRecord, LaneRecord} from './event-log.js'
import type {Lane} from './lanes.js'

export interface WorkPackageState {
  actor: string
  force_count: number
  lane: Lane
  last_event_id: string
  last_transition_at: string
  /**
   * Runtime slots newer Spec Kitty materializes per WP (agent, shell_pid, subtasks, tracker_refs,
   * review_result, ...): carried across transitions, set by a claim's policy_metadata and by
   * annotations. Absent from 3.2.0 logs, so absent from their status.json.
   */
  [slot: string]: unknown
}

/** Slots a transition carries forward; `review_result` is not one: each event that has the key sets it. */
const RUNTIME_SLOTS = ['shell_pid', 'shell_pid_created_at', 'subtasks', 'notes', 'tracker_refs', 'agent', 'assignee', 'review'] as const

/** Fold an annotation's delta, field by field, as Spec Kitty does (replace, merge subtasks, append notes, union refs). */
function applyDelta(state: WorkPackageState, delta: Record<string, unknown>): void {
  for (const slot of ['shell_pid', 'shell_pid_created_at', 'agent', 'assignee', 'review'] as const) {
    if (delta[slot] !== null && delta[slot] !== undefined) state[slot] = delta[slot]
  }

  const {subtasks} = delta
  if (typeof subtasks === 'object' && subtasks !== null && !Array.isArray(subtasks)) {
    state.subtasks = {...(state.subtasks as Record<string, string> | undefined), ...Object.fromEntries(Object.entries(subtasks).map(([id, value]) => [id, String(value)]))}
  }

  if (typeof delta.note === 'string') state.notes = [...(Array.isArray(state.notes) ? state.notes : []), delta.note]
  const refs = Array.isArray(delta.tracker_refs_replace) ? delta.tracker_refs_replace : (Array.isArray(delta.tracker_refs) ? delta.tracker_refs : undefined)
  if (refs) {
    const kept = Array.isArray(delta.tracker_refs_replace) ? [] : (Array.isArray(state.tracker_refs) ? state.tracker_refs : [])
    state.tracker_refs = [...new Set([...kept, ...refs])]
  }
}

export interface ReducedStatus {
  eventCount: number
  lastAt: string
  lastEventId: null | string
  /** Slug of the first event in order (upstream takes it from there). */
  missionSlug: string | undefined
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
    const carried = Object.fromEntries(RUNTIME_SLOTS.filter(slot => current && slot in current).map(slot => [slot, current![slot]]))
    workPackages.set(record.wpId, {
      ...carried,
      ...record.claimSlots,
      ...(record.reviewResult ? {review_result: record.reviewResult.value} : {}),
      actor: record.actor,
      force_count: (current?.force_count ?? 0) + (record.force ? 1 : 0),
      lane: record.toLane,
      last_event_id: record.eventId,
      last_transition_at: record.at,
    })
  }

  // Annotations fold after every transition (never interleaved by time), in (at, event_id) order.
  // One for a WP no transition names is left out: it has no lane this tool could show.
  for (const annotation of [...annotations].sort(byTimeThenId)) {
    const state = workPackages.get(annotation.wpId)
    if (state) applyDelta(state, annotation.delta)
  }

  const last = unique.at(-1)
  return {
    eventCount: unique.length,
    lastAt: last?.at ?? '',
    lastEventId: last?.eventId ?? null,
    missionSlug: unique[0]?.missionSlug,
    workPackages,
  }
}
