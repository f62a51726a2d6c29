import {
  closeSync, constants, fstatSync, fsyncSync, ftruncateSync, readSync,
} from 'node:fs'
import {join} from 'node:path'

import {writeFailure, writeFully} from '../io/atomic-write.js'
import {pythonJsonLine} from '../io/python-json.js'
import {openRegularFile, readChunks} from '../io/regular-file.js'
import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {type Lane,  LANES} from './lanes.js'

const MAX_LINE_BYTES = 16 * 1024 * 1024
/**
 * The log is read in pieces smaller than V8's large-object threshold (128 KiB): each piece's text
 * then dies young, instead of piling up in old space until a full collection (with 1 MiB pieces a
 * million-event status peaked at 160 MB; with these, 109 MB, and ran faster).
 */
const CHUNK_BYTES = 64 * 1024

export const eventLogPath = (missionDir: string): string => join(missionDir, 'status.events.jsonl')

/** The fields of a lane row the reducer needs; keeping only these bounds memory on big logs. */
export interface LaneRecord {
  actor: string
  at: string
  /** Runtime slots a planned → claimed event carries in `policy_metadata` (Spec Kitty 3.2.1+). */
  claimSlots: Record<string, unknown>
  eventId: string
  force: boolean
  fromLane: string
  missionSlug: string
  /** The row's `review_result`, when it has that key (Spec Kitty 3.2.5 writes it on every event). */
  reviewResult?: {value: unknown}
  reviewRef: null | string
  toLane: Lane
  wpId: string
}

const CLAIM_SLOTS = ['shell_pid', 'shell_pid_created_at', 'agent'] as const

function claimSlotsOf(row: Record<string, unknown>): Record<string, unknown> {
  const metadata = row.policy_metadata
  if (row.from_lane !== 'planned' || row.to_lane !== 'claimed' || typeof metadata !== 'object' || metadata === null) return {}
  const slots: Record<string, unknown> = {}
  for (const slot of CLAIM_SLOTS) {
    const value = (metadata as Record<string, unknown>)[slot]
    if (value !== null && value !== undefined) slots[slot] = value
  }

  return slots
}

function malformed(path: string, lineNumber: number, why: string): CliError {
  return new CliError('malformed_event_log', `${path}:${lineNumber}: ${why}`, {
    fields: {line: lineNumber, path},
    remediation: `Fix or remove line ${lineNumber} of ${path} (compare with: git log -p -- ${shellQuote(path)}), then run the command again.`,
  })
}

function toRecord(row: Record<string, unknown>, path: string, lineNumber: number): LaneRecord {
  const {actor, at, event_id: eventId, to_lane: toLane, wp_id: wpId} = row
  if (typeof eventId !== 'string' || eventId === '') throw malformed(path, lineNumber, 'lane event without an event_id')
  if (typeof wpId !== 'string' || wpId === '') throw malformed(path, lineNumber, 'lane event without a wp_id')
  if (typeof at !== 'string' || at === '') throw malformed(path, lineNumber, 'lane event without an "at" timestamp')
  // `doing` was never written by 3.2.0, but older tools did: read it as its canonical lane.
  const lane = toLane === 'doing' ? 'in_progress' : toLane
  if (typeof lane !== 'string' || !(LANES as readonly string[]).includes(lane)) {
    throw malformed(path, lineNumber, `unknown to_lane ${JSON.stringify(toLane)}`)
  }

  return {
    actor: typeof actor === 'string' ? actor : '',
    at,
    claimSlots: claimSlotsOf(row),
    eventId,
    force: row.force === true,
    fromLane: typeof row.from_lane === 'string' ? row.from_lane : 'genesis',
    missionSlug: String(row.mission_slug ?? row.feature_slug ?? ''),
    ...('review_result' in row ? {reviewResult: {value: row.review_result}} : {}),
    reviewRef: typeof row.review_ref === 'string' ? row.review_ref : null,
    toLane: lane as Lane,
    wpId,
  }
}

/** `length` bytes of the file at `position`, read through a fresh descriptor (what a reader sees). */
function readAt(path: string, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length)
  const fd = openRegularFile(path, constants.O_RDONLY)
  if (fd === undefined) return buffer.subarray(0, 0)
  try {
    const read = readSync(fd, buffer, 0, length, position)
    return buffer.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

/**
 * A runtime-state annotation (Spec Kitty 3.2.1+): `{"kind": "annotation", "wp_id", "at", "event_id",
 * "delta": {"subtasks": {"T001": "done"}, "tracker_refs": [...], ...}}`.
 */
export interface AnnotationRecord {
  at: string
  /** The delta as written; the reducer folds the slots it knows. */
  delta: Record<string, unknown>
  eventId: string
  wpId: string
}

/** What a reader does with each row of the log, in file order. */
export interface LogSink {
  annotation(record: AnnotationRecord): void
  lane(record: LaneRecord): void
  /** A row of a kind this tool does not know (a newer tool's). */
  unknown(): void
}

/** Everything the log holds that this tool reads: lane events, annotations, rows left to others. */
export interface MissionLog {
  annotations: AnnotationRecord[]
  lanes: LaneRecord[]
  /** Rows of a kind this tool does not know (a newer tool's): kept in the file, skipped here. */
  unknownRows: number
}

/** Discriminators of non-lane rows: lifecycle (`event_type`), retrospectives (`type`, `event_name`), `kind`. */
const DISCRIMINATORS = ['kind', 'event_type', 'type', 'event_name'] as const
/** Values of those discriminators that 3.2.0–3.2.5 write; any other is a newer tool's row. */
const KNOWN_ROWS = new Set(['annotation', 'DecisionPointOpened', 'DecisionPointResolved', 'MissionCreated', 'PlanCompleted', 'PlanStarted', 'RetrospectiveCaptured', 'RetrospectiveCaptureFailed', 'ReviewerSelfApproval', 'SpecifyCompleted', 'SpecifyStarted', 'TasksCompleted', 'TasksStarted', 'WPCreated'])

function toAnnotation(row: Record<string, unknown>, path: string, lineNumber: number): AnnotationRecord {
  const {at, delta, event_id: eventId, wp_id: wpId} = row
  if (typeof eventId !== 'string' || eventId === '') throw malformed(path, lineNumber, 'annotation without an event_id')
  if (typeof wpId !== 'string' || wpId === '') throw malformed(path, lineNumber, 'annotation without a wp_id')
  if (typeof at !== 'string' || at === '') throw malformed(path, lineNumber, 'annotation without an "at" timestamp')
  if (typeof delta !== 'object' || delta === null || Array.isArray(delta)) throw malformed(path, lineNumber, 'annotation without a delta object')
  return {
    at, delta: delta as Record<string, unknown>, eventId, wpId,
  }
}

/** One line of the log, handed to `sink`. */
function parseLine(line: string, path: string, lineNumber: number, last: boolean, sink: LogSink): void {
  const trimmed = line.trim()
  if (trimmed === '') return
  let row: unknown
  try {
    row = JSON.parse(trimmed)
  } catch {
    throw malformed(path, lineNumber, last ? 'truncated or invalid JSON on the last line (an interrupted write?)' : 'invalid JSON')
  }

  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw malformed(path, lineNumber, 'not a JSON object')
  const record = row as Record<string, unknown>
  const discriminator = DISCRIMINATORS.find(key => key in record)
  if (discriminator === undefined) {
    sink.lane(toRecord(record, path, lineNumber))
    return
  }

  const value = record[discriminator]
  if (discriminator === 'kind' && value === 'annotation') sink.annotation(toAnnotation(record, path, lineNumber))
  else if (!(typeof value === 'string' && (KNOWN_ROWS.has(value) || value.startsWith('retrospective.')))) sink.unknown()
}

/** A sink that keeps every row: the whole log in memory. */
function collectingSink(): LogSink & {log: MissionLog} {
  const log: MissionLog = {annotations: [], lanes: [], unknownRows: 0}
  return {
    annotation: record => log.annotations.push(record),
    lane: record => log.lanes.push(record),
    log,
    unknown() {
      log.unknownRows++
    },
  }
}

/** Parse the log text. A line that is neither a lane row nor a non-lane row is an error. */
export function parseMissionLog(text: string, path: string): MissionLog {
  const sink = collectingSink()
  let lineNumber = 0
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    lineNumber++
    parseLine(text.slice(start, end), path, lineNumber, end === text.length, sink)
    start = end + 1
  }

  return sink.log
}

export const parseEventLog = (text: string, path: string): LaneRecord[] => parseMissionLog(text, path).lanes

/**
 * Stream the log line by line from 1 MiB chunks into `sink`: a log of any size is never one string
 * (V8 caps a string near 512 MiB), and what is kept is the sink's choice.
 */
export function streamMissionLog(missionDir: string, sink: LogSink): void {
  const path = eventLogPath(missionDir)
  const fd = openRegularFile(path, constants.O_RDONLY)
  if (fd === undefined) return
  let lineNumber = 0
  let carry: Buffer = Buffer.alloc(0)
  try {
    readChunks(fd, chunk => {
      // Decode each chunk's complete lines as one string (a character never straddles a newline).
      const end = chunk.lastIndexOf(0x0A)
      if (end === -1) {
        carry = Buffer.concat([carry, chunk])
      } else {
        const text = (carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, end)]) : chunk.subarray(0, end)).toString('utf8')
        let start = 0
        for (let next = text.indexOf('\n'); ; next = text.indexOf('\n', start)) {
          lineNumber++
          parseLine(next === -1 ? text.slice(start) : text.slice(start, next), path, lineNumber, false, sink)
          if (next === -1) break
          start = next + 1
        }

        carry = Buffer.from(chunk.subarray(end + 1))
      }

      // No event is megabytes long: a line that is must not grow without bound.
      if (carry.length > MAX_LINE_BYTES) throw malformed(path, lineNumber + 1, `a line longer than ${MAX_LINE_BYTES} bytes`)
    }, CHUNK_BYTES)
  } finally {
    closeSync(fd)
  }

  if (carry.length > 0) parseLine(carry.toString('utf8'), path, lineNumber + 1, true, sink)
}

/** The whole log in memory (only the few fields the reducer needs are kept per event). */
export function readMissionLog(missionDir: string): MissionLog {
  const sink = collectingSink()
  streamMissionLog(missionDir, sink)
  return sink.log
}

export const readEventLog = (missionDir: string): LaneRecord[] => readMissionLog(missionDir).lanes

/**
 * Append events (lane events, or the lifecycle rows beside them) with one write on an O_APPEND descriptor that refuses a symbolic link, check that
 * every byte went, fsync, then read the tail back and compare: the log is append-only, so it is never
 * rewritten. An append that could not complete (a full disk) is cut back to the old length, so the
 * log never ends in a torn line. Callers hold the mission lock.
 */
export function appendEvents(missionDir: string, events: ReadonlyArray<Record<string, unknown>>): void {
  if (events.length === 0) return
  const path = eventLogPath(missionDir)
  // eslint-disable-next-line no-bitwise -- open(2) flags
  const fd = openRegularFile(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT)!
  let before = 0
  try {
    before = fstatSync(fd).size
    const prefix = before > 0 && readAt(path, before - 1, 1)[0] !== 0x0A ? '\n' : ''
    const chunk = Buffer.from(prefix + events.map(event => pythonJsonLine(event) + '\n').join(''), 'utf8')
    try {
      writeFully(fd, chunk)
      fsyncSync(fd)
    } catch (error) {
      ftruncateSync(fd, before)
      throw writeFailure(path, error)
    }

    if (!readAt(path, before, chunk.length).equals(chunk)) {
      throw new CliError('event_persistence_verification_failed', `The events appended to ${path} did not read back identically.`, {
        remediation: `Inspect the end of ${path}; another tool may have written to it without the mission lock.`,
      })
    }
  } finally {
    closeSync(fd)
  }
}

export {type LaneOrGenesis} from './lanes.js'
