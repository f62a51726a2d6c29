import {join} from 'node:path'

import type {EventEnvelope} from './envelope.js'

import {postBatch} from './batch-transport.js'
import {ingestLimits, type IngestLimits} from './ingest-limits.js'
import {MAX_REJECTIONS, type Outbox} from './outbox.js'
import {runtime} from './runtime.js'
import {type Session} from './session.js'
import {SyncFailure} from './sync-diagnostic.js'
import {stateDir} from './sync-paths.js'
import {freshSession} from './token-refresh.js'

export interface DrainProgress {
  (sent: number, total: number): void
}

export interface DrainResult {
  /** Rejections this drain (each event stays queued with its reason, or is set aside at the limit). */
  rejected: number
  sent: number
  /** Events taken out of the queue for good this drain (too large, or rejected too often). */
  setAside: number
}

interface Drain extends DrainResult {
  outbox: Outbox
  refreshed: boolean
  session: Session
  signal: AbortSignal
  /** Events the server did not judge (no result for them): they stay queued as they were. */
  unjudged: number
}

/**
 * File names are event ids, and the ids of the envelopes one local event makes share its time part
 * and differ by a hash: within a batch, the Lamport clock (ticked as they were queued) restores
 * the order they happened in.
 */
const inQueueOrder = (batch: EventEnvelope[]): EventEnvelope[] => batch.sort((a, b) => a.lamport_clock - b.lamport_clock || (a.event_id < b.event_id ? -1 : 1))

/** The queued events in FIFO order, in batches within the server's limits, read one batch at a time. */
function * batches(drain: Drain, ids: readonly string[], limits: IngestLimits): Generator<EventEnvelope[]> {
  let batch: EventEnvelope[] = []
  let bytes = 0
  for (const id of ids) {
    const event = drain.outbox.read(id)
    if (!event) continue // drained meanwhile by another process, or not ours
    const size = Buffer.byteLength(JSON.stringify(event))
    if (size > limits.maxBytes) {
      drain.outbox.setAside(id, `the event is ${size} bytes, more than the ${limits.maxBytes} bytes the server takes in one request`)
      drain.setAside++
      continue
    }

    if (batch.length === limits.maxEvents || bytes + size > limits.maxBytes) {
      yield inQueueOrder(batch)
      batch = []
      bytes = 0
    }

    batch.push(event)
    bytes += size
  }

  if (batch.length > 0) yield inQueueOrder(batch)
}

function rejected(drain: Drain, id: string, reason: string): void {
  if (drain.outbox.noteRejection(id, reason) >= MAX_REJECTIONS) drain.setAside++
  drain.rejected++
}

/** Send one batch and settle each of its events by the server's word (the hosted contract). */
async function deliver(drain: Drain, events: readonly EventEnvelope[]): Promise<void> {
  const answer = await postBatch(drain.session, events, drain.signal)
  switch (answer.kind) {
  case 'unauthorized': {
    // The server judged no event: no retry count moves. One refresh, then the user must log in.
    if (drain.refreshed) throw new SyncFailure('sync.server_auth_failure', 'the server refused the refreshed access token (HTTP 401); run spec-kitty auth login', false)
    drain.session = await freshSession(drain.session, drain.signal, {force: true})
    drain.refreshed = true
    return deliver(drain, events)
  }

  case 'forbidden': {
    throw new SyncFailure('sync.server_auth_failure', `the server refused events for team ${drain.session.team_slug ?? 'local'} (HTTP 403: ${answer.message}); check your team membership, or log in again with --team`, false)
  }

  case 'too_large': {
    if (events.length === 1) {
      drain.outbox.setAside(events[0].event_id, 'the server refused the event as too large even on its own (HTTP 413)')
      drain.setAside++
      return
    }

    const half = Math.ceil(events.length / 2)
    await deliver(drain, events.slice(0, half))
    return deliver(drain, events.slice(half))
  }

  case 'invalid': {
    for (const event of events) {
      const reason = answer.perEvent.get(event.event_id) ?? answer.whole
      if (reason !== undefined) rejected(drain, event.event_id, reason)
    }

    // The server named the events it refused; the others were not judged: sent again without them.
    const rest = answer.whole === undefined ? events.filter(event => !answer.perEvent.has(event.event_id)) : []
    if (rest.length > 0 && rest.length < events.length) return deliver(drain, rest)
    drain.unjudged += rest.length
    return
  }

  case 'results': {
    for (const event of events) {
      const result = answer.results.get(event.event_id)
      if (result?.status === 'success' || result?.status === 'duplicate') {
        drain.outbox.remove(event.event_id)
        drain.sent++
      } else if (result?.status === 'rejected') {
        rejected(drain, event.event_id, result.reason ?? 'rejected without a reason')
      } else {
        drain.unjudged++ // no word, or a status this client does not know: the event stays queued
      }
    }
  }
  }
}

/**
 * Send every queued event once, in FIFO (ULID) order, in batches within the server's limits; an
 * event's file goes only when the server took it (`success`) or had it (`duplicate`). A rejected
 * event stays with its reason and a retry count; too large or too often rejected, it is set aside.
 */
export async function drainOutbox(outbox: Outbox, session: Session, signal: AbortSignal, progress?: DrainProgress): Promise<DrainResult> {
  const ids = outbox.ids()
  const live = await freshSession(session, signal)
  const drain: Drain = {
    outbox, refreshed: false, rejected: 0, sent: 0, session: live, setAside: 0, signal, unjudged: 0,
  }
  if (ids.length > 0) {
    const limits = await ingestLimits(live, signal)
    for (const batch of batches(drain, ids, limits)) {
      // eslint-disable-next-line no-await-in-loop -- batches go in order, one at a time
      await deliver(drain, batch)
      progress?.(drain.sent, ids.length)
    }
  }

  const result = {rejected: drain.rejected, sent: drain.sent, setAside: drain.setAside}
  runtime().writeFileAtomic(join(stateDir(), 'last-sync.json'), JSON.stringify({at: new Date().toISOString(), ...result}) + '\n')
  if (drain.rejected > 0) throw new SyncFailure('sync.server_error', `the server rejected ${drain.rejected} event(s); they stay queued with the reasons (spec-kitty sync status)`, false)
  if (drain.setAside > 0) throw new SyncFailure('sync.server_error', `${drain.setAside} event(s) were set aside and will not be sent (spec-kitty sync status lists them with the reasons)`, false)
  if (drain.unjudged > 0) throw new SyncFailure('sync.server_error', `the server answered for only part of the batch; ${drain.unjudged} event(s) stay queued`, true)
  return result
}
