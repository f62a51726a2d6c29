import type {AnnotationRecord, LaneRecord} from './event-log.js'
import type {Lane} from './lanes.js'

import {IdHashSet} from './id-set.js'

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

/** Per-WP state folded from lane records given in (at, event_id) order, without duplicates. */
class Fold {
  eventCount = 0
  last: LaneRecord | undefined
  missionSlug: string | undefined
  readonly workPackages = new Map<string, WorkPackageState>()
  private readonly rolledBackAt = new Map<string, string>()

  add(record: LaneRecord): void {
    if (this.eventCount === 0) this.missionSlug = record.missionSlug
    this.eventCount++
    this.last = record
    const current = this.workPackages.get(record.wpId)
    if (current && this.rolledBackAt.get(record.wpId) === record.at && !isRollback(record)) return
    if (isRollback(record)) this.rolledBackAt.set(record.wpId, record.at)
    const next: WorkPackageState = {
      actor: record.actor,
      force_count: (current?.force_count ?? 0) + (record.force ? 1 : 0),
      lane: record.toLane,
      last_event_id: record.eventId,
      last_transition_at: record.at,
    }
    // A plain loop: this runs once per event, a million times on a big log.
    if (current) for (const slot of RUNTIME_SLOTS) if (slot in current) next[slot] = current[slot]
    for (const slot in record.claimSlots) if (Object.hasOwn(record.claimSlots, slot)) next[slot] = record.claimSlots[slot]
    if (record.reviewResult) next.review_result = record.reviewResult.value
    this.workPackages.set(record.wpId, next)
  }

  /** Annotations fold after every transition (never interleaved by time), in (at, event_id) order. */
  finish(annotations: readonly AnnotationRecord[]): ReducedStatus {
    // One for a WP no transition names is left out: it has no lane this tool could show.
    for (const annotation of [...annotations].sort(byTimeThenId)) {
      const state = this.workPackages.get(annotation.wpId)
      if (state) applyDelta(state, annotation.delta)
    }

    return {
      eventCount: this.eventCount,
      lastAt: this.last?.at ?? '',
      lastEventId: this.last?.eventId ?? null,
      missionSlug: this.missionSlug,
      workPackages: this.workPackages,
    }
  }
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
  const fold = new Fold()
  for (const record of unique) fold.add(record)
  return fold.finish(annotations)
}

/**
 * The reduction of a log read as a stream, with memory bounded by the WPs, not the events. A log
 * appended in time order (the usual case) is folded as it is read: that is the sorted order, and a
 * repeat of the event just folded is the only duplicate it can hold. The first row out of order, or
 * an id that may have been seen before, ends the shortcut: the caller reduces the whole log instead.
 */
export class StreamingReduction {
  inOrder = true
  private readonly annotations: AnnotationRecord[] = []
  private readonly fold = new Fold()
  private readonly seen = new IdHashSet()

  annotation(record: AnnotationRecord): void {
    this.annotations.push(record)
  }

  lane(record: LaneRecord): void {
    if (!this.inOrder) return
    const {last} = this.fold
    if (last && last.at === record.at && last.eventId === record.eventId) return // the same event, written twice in a row
    if ((last && byTimeThenId(record, last) < 0) || !this.seen.add(record.eventId)) {
      this.inOrder = false
      return
    }

    this.fold.add(record)
  }

  result(): ReducedStatus | undefined {
    return this.inOrder ? this.fold.finish(this.annotations) : undefined
  }

  unknown(): void {}
}
