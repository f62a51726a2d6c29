import {gzipSync} from 'node:zlib'

import type {EventEnvelope} from './envelope.js'
import type {Session} from './session.js'

import {exchange, type HttpAnswer, stringField} from './http.js'
import {SyncFailure} from './sync-diagnostic.js'

export type EventStatus = 'duplicate' | 'rejected' | 'success'

type Judged = Map<string, {reason: string | undefined; status: EventStatus | undefined}>

/** What the server said about one batch. */
export type BatchAnswer = BatchInvalid | {kind: 'forbidden'; message: string} | {kind: 'results'; results: Judged} | {kind: 'too_large'} | {kind: 'unauthorized'}

/** A 400: reasons per event the server named, or one reason for the whole batch. */
export interface BatchInvalid {
  kind: 'invalid'
  perEvent: Map<string, string>
  whole: string | undefined
}

const OVERSIZED = /oversized|too large|too big|payload too/i

const reasonOf = (entry: unknown): string | undefined => stringField(entry, 'error') ?? stringField(entry, 'error_message') ?? stringField(entry, 'reason')

/** 400 `details`: a list of `{event_id, error|reason}`, a JSON string holding one, or a plain string. */
export function invalidBatch(body: unknown): BatchInvalid {
  const error = stringField(body, 'error')
  let details = (body as {details?: unknown} | undefined)?.details
  if (typeof details === 'string') {
    try {
      const parsed = JSON.parse(details) as unknown
      if (Array.isArray(parsed)) details = parsed
    } catch {
      // a plain sentence about the whole batch
    }
  }

  const perEvent = new Map<string, string>()
  if (Array.isArray(details)) {
    for (const entry of details) {
      const id = stringField(entry, 'event_id')
      if (id !== undefined) perEvent.set(id, reasonOf(entry) ?? error ?? 'rejected without a reason')
    }

    return {kind: 'invalid', perEvent, whole: perEvent.size === 0 ? (error ?? 'the batch was refused (HTTP 400)') : undefined}
  }

  const whole = [error, typeof details === 'string' ? details : undefined].filter(Boolean).join(': ')
  return {kind: 'invalid', perEvent, whole: whole || 'the batch was refused (HTTP 400)'}
}

function results(answer: HttpAnswer): BatchAnswer {
  const list = (answer.json as {results?: unknown} | undefined)?.results
  if (!Array.isArray(list)) throw new SyncFailure('sync.server_error', 'the server answered the batch without a results list', true)
  const byId: Judged = new Map()
  for (const entry of list) {
    const id = stringField(entry, 'event_id')
    const status = stringField(entry, 'status')
    if (id === undefined || byId.has(id)) continue // the first word about an event counts
    const known: EventStatus | undefined = status === 'success' || status === 'accepted' || status === 'warning' ? 'success' : (status === 'duplicate' || status === 'rejected' ? status : undefined)
    byId.set(id, {reason: reasonOf(entry), status: known})
  }

  return {kind: 'results', results: byId}
}

/** `POST /api/v1/events/batch/`: gzip JSON, Bearer token, the team in `X-Team-Slug`. */
export async function postBatch(session: Session, events: readonly EventEnvelope[], signal: AbortSignal): Promise<BatchAnswer> {
  const body = gzipSync(JSON.stringify({events}))
  const answer = await exchange(new URL('/api/v1/events/batch/', session.server), {
    body,
    headers: {
      accept: 'application/json', authorization: `Bearer ${session.access_token}`, 'content-encoding': 'gzip', 'content-type': 'application/json', 'x-team-slug': session.team_slug ?? 'local',
    },
    method: 'POST',
  }, signal)
  if (answer.status === 200) return results(answer)
  if (answer.status === 401) return {kind: 'unauthorized'}
  if (answer.status === 403) return {kind: 'forbidden', message: stringField(answer.json, 'error') ?? stringField(answer.json, 'detail') ?? 'permission denied'}
  if (answer.status === 413 || (answer.status === 400 && OVERSIZED.test(stringField(answer.json, 'error') ?? ''))) return {kind: 'too_large'}
  if (answer.status === 400) return invalidBatch(answer.json)
  if (answer.status >= 300 && answer.status < 400) throw new SyncFailure('sync.server_error', `the server answered the batch with a redirect (HTTP ${answer.status}); not followed`, false)
  throw new SyncFailure('sync.server_error', `the server answered the batch with HTTP ${answer.status}`, true)
}
