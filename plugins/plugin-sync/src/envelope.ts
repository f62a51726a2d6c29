import type {LifecycleEvent} from 'spec-kitty/api'

import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync} from 'node:fs'
import {hostname, userInfo} from 'node:os'
import {join} from 'node:path'
import {monotonicFactory} from 'ulid'

import {runtime} from './runtime.js'
import {stateDir} from './sync-paths.js'

/** Version of schemas/event-envelope.schema.json that these envelopes follow. */
export const ENVELOPE_SCHEMA_VERSION = '1.0.0'

export interface EventEnvelope {
  aggregate_id: string
  aggregate_type: string
  causation_id: null | string
  correlation_id: string
  event_id: string
  event_type: string
  lamport_clock: number
  node_id: string
  payload: Record<string, unknown>
  project_uuid: string
  schema_version: string
  timestamp: string
}

const nextId = monotonicFactory()

/** First 12 hex of sha256(hostname:username), as the Python CLI computes it, so both agree. */
export function nodeId(): string {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // no passwd entry (containers): keep a stable fallback
  }

  return createHash('sha256').update(`${hostname()}:${user}`).digest('hex').slice(0, 12)
}

/**
 * Tick the per-user Lamport clock once per event. Read-modify-write with an atomic rename; two
 * processes ticking at the same instant may hand out one value twice, which the event_id breaks.
 */
function tickClock(count: number, env: NodeJS.ProcessEnv): number {
  const dir = stateDir(env)
  const path = join(dir, 'clock.json')
  let value = 0
  try {
    value = Number((JSON.parse(readFileSync(path, 'utf8')) as {value: number}).value) || 0
  } catch {
    // first use
  }

  mkdirSync(dir, {recursive: true})
  runtime().writeFileAtomic(path, JSON.stringify({node_id: nodeId(), updated_at: new Date().toISOString(), value: value + count}) + '\n')
  return value + 1
}

/** `project.uuid` of the project's config.yaml, read by the core's reader ('' when absent or unreadable). */
function projectUuid(projectRoot: string): string {
  try {
    const uuid = (runtime().readProjectConfig(projectRoot).project as undefined | {uuid?: unknown})?.uuid
    return typeof uuid === 'string' ? uuid : ''
  } catch {
    return '' // a broken config.yaml is the command's to report, not the envelope's
  }
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * The envelope of a local event gets an id derived from that event's id: its time part, then 16
 * characters of a hash. The same local event handed over twice (a crashed command's events are
 * replayed) becomes the same outbox file and one event at the server, which dedupes by event_id.
 */
export function envelopeIdFor(causationId: null | string): string | undefined {
  if (causationId === null || !ULID.test(causationId.toUpperCase())) return undefined
  const digest = createHash('sha256').update(`spec-kitty-envelope:${causationId.toUpperCase()}`).digest()
  let random = ''
  for (let i = 0; i < 16; i++) random += CROCKFORD[digest[i] % 32]
  return causationId.toUpperCase().slice(0, 10) + random
}

export function buildEnvelopes(events: readonly LifecycleEvent[], env: NodeJS.ProcessEnv = process.env): EventEnvelope[] {
  if (events.length === 0) return []
  const first = tickClock(events.length, env)
  const node = nodeId()
  return events.map((event, i) => {
    const eventId = envelopeIdFor(event.causationId) ?? nextId()
    return {
      aggregate_id: event.aggregateId,
      aggregate_type: event.aggregateType,
      causation_id: event.causationId,
      correlation_id: event.causationId ?? eventId,
      event_id: eventId,
      event_type: event.eventType,
      lamport_clock: first + i,
      node_id: node,
      payload: event.payload,
      project_uuid: projectUuid(event.projectRoot),
      schema_version: ENVELOPE_SCHEMA_VERSION,
      timestamp: event.occurredAt,
    }
  })
}
