import type {LifecycleEvent} from 'spec-kitty/api'

import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync} from 'node:fs'
import {hostname, userInfo} from 'node:os'
import {join} from 'node:path'
import {monotonicFactory} from 'ulid'

import {runtime} from './runtime.js'
import {stateDir} from './sync-paths.js'

/**
 * The envelope's `schema_version`: the one Spec Kitty 3.2.0's events model writes, so the hosted
 * service reads ours as it reads the Python CLI's (schemas/event-envelope.schema.json).
 */
export const ENVELOPE_SCHEMA_VERSION = '3.0.0'

/** One event as the hosted contract wants it (required fields first, then the optional ones). */
export interface EventEnvelope {
  aggregate_id: string
  aggregate_type: 'Feature' | 'WorkPackage'
  build_id: string
  causation_id: null | string
  correlation_id: string
  event_id: string
  event_type: string
  git_branch: null | string
  head_commit_sha: null | string
  lamport_clock: number
  node_id: string
  payload: Record<string, unknown>
  project_slug: null | string
  project_uuid: string
  repo_slug: null | string
  schema_version: string
  team_slug: string
  timestamp: string
}

/** Where the events of one project come from: its identity and its git state at queue time. */
export interface EventSource {
  build_id: string
  git_branch: null | string
  head_commit_sha: null | string
  project_slug: null | string
  /** Empty when the project has none: its events then stay local (never queued). */
  project_uuid: string
  repo_slug: null | string
  team_slug: string
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

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * The envelope of a local event gets an id derived from that event's id, its type and aggregate:
 * the event's time part, then 16 characters of a hash. The same local event handed over twice (a
 * crashed command's events are replayed) becomes the same outbox file and one event at the server,
 * which dedupes by event_id; the several envelopes one lane change makes (a status change and an
 * assignment) stay distinct.
 */
export function envelopeIdFor(causationId: null | string, eventType = '', aggregateId = ''): string | undefined {
  if (causationId === null || !ULID.test(causationId.toUpperCase())) return undefined
  const digest = createHash('sha256').update(`spec-kitty-envelope:${causationId.toUpperCase()}:${eventType}:${aggregateId}`).digest()
  let random = ''
  for (let i = 0; i < 16; i++) random += CROCKFORD[digest[i] % 32]
  return causationId.toUpperCase().slice(0, 10) + random
}

export function buildEnvelopes(events: readonly LifecycleEvent[], source: EventSource, env: NodeJS.ProcessEnv = process.env): EventEnvelope[] {
  if (events.length === 0) return []
  const first = tickClock(events.length, env)
  const node = nodeId()
  return events.map((event, i) => {
    const eventId = envelopeIdFor(event.causationId, event.eventType, event.aggregateId) ?? nextId()
    return {
      aggregate_id: event.aggregateId,
      aggregate_type: event.aggregateType,
      build_id: source.build_id,
      causation_id: event.causationId,
      correlation_id: event.causationId ?? eventId,
      event_id: eventId,
      event_type: event.eventType,
      git_branch: source.git_branch,
      head_commit_sha: source.head_commit_sha,
      lamport_clock: first + i,
      node_id: node,
      payload: event.payload,
      project_slug: source.project_slug,
      project_uuid: source.project_uuid,
      repo_slug: source.repo_slug,
      schema_version: ENVELOPE_SCHEMA_VERSION,
      team_slug: source.team_slug,
      timestamp: event.occurredAt,
    }
  })
}
