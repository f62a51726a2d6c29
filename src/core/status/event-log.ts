import {
  closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeSync,
} from 'node:fs'
import {join} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {type Lane,  LANES} from './lanes.js'
import {isNonLaneRow, serializeEvent, type StatusEvent} from './status-event.js'

export const eventLogPath = (missionDir: string): string => join(missionDir, 'status.events.jsonl')

/** The fields of a lane row the reducer needs; keeping only these bounds memory on big logs. */
export interface LaneRecord {
  actor: string
  at: string
  eventId: string
  force: boolean
  fromLane: string
  missionSlug: string
  reviewRef: null | string
  toLane: Lane
  wpId: string
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
    eventId,
    force: row.force === true,
    fromLane: typeof row.from_lane === 'string' ? row.from_lane : 'genesis',
    missionSlug: String(row.mission_slug ?? row.feature_slug ?? ''),
    reviewRef: typeof row.review_ref === 'string' ? row.review_ref : null,
    toLane: lane as Lane,
    wpId,
  }
}

/** Parse the log text. A line that is neither a lane row nor a known non-lane row is an error. */
export function parseEventLog(text: string, path: string): LaneRecord[] {
  const records: LaneRecord[] = []
  let lineNumber = 0
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    lineNumber++
    const line = text.slice(start, end).trim()
    start = end + 1
    if (line === '') continue
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      throw malformed(path, lineNumber, end === text.length ? 'truncated or invalid JSON on the last line (an interrupted write?)' : 'invalid JSON')
    }

    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw malformed(path, lineNumber, 'not a JSON object')
    if (isNonLaneRow(row as Record<string, unknown>)) continue
    records.push(toRecord(row as Record<string, unknown>, path, lineNumber))
  }

  return records
}

export function readEventLog(missionDir: string): LaneRecord[] {
  const path = eventLogPath(missionDir)
  if (!existsSync(path)) return []
  return parseEventLog(readFileSync(path, 'utf8'), path)
}

function endsWithNewline(path: string): boolean {
  const {size} = statSync(path)
  if (size === 0) return true
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(1)
    readSync(fd, buffer, 0, 1, size - 1)
    return buffer[0] === 0x0A
  } finally {
    closeSync(fd)
  }
}

/**
 * Append events in one write(2) on an O_APPEND descriptor, fsync, then read the tail back and
 * compare: the log is append-only, so it is never rewritten. Callers hold the mission lock.
 */
export function appendEvents(missionDir: string, events: readonly StatusEvent[]): void {
  if (events.length === 0) return
  const path = eventLogPath(missionDir)
  const prefix = existsSync(path) && !endsWithNewline(path) ? '\n' : ''
  const chunk = prefix + events.map(event => serializeEvent(event) + '\n').join('')
  const fd = openSync(path, 'a')
  try {
    writeSync(fd, chunk)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }

  const bytes = Buffer.byteLength(chunk)
  const text = readFileSync(path)
  if (text.subarray(text.length - bytes).toString('utf8') !== chunk) {
    throw new CliError('event_persistence_verification_failed', `The events appended to ${path} did not read back identically.`, {
      remediation: `Inspect the end of ${path}; another tool may have written to it without the mission lock.`,
    })
  }
}

export {type LaneOrGenesis} from './lanes.js'
