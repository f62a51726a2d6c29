import {join} from 'node:path'

import type {Outbox} from './outbox.js'
import type {Session} from './session.js'

import {runtime} from './runtime.js'
import {SyncFailure} from './sync-diagnostic.js'
import {stateDir} from './sync-paths.js'
import {freshSession} from './token-refresh.js'
import {sendBatch} from './transport.js'

const BATCH = 200

export interface DrainProgress {
  (sent: number, total: number): void
}

/**
 * Send every queued event once, in ULID order, deleting each file only after its ack. A rejected
 * event moves to `rejected/` with its reason: kept for inspection, not retried forever.
 */
export async function drainOutbox(outbox: Outbox, session: Session, signal: AbortSignal, progress?: DrainProgress): Promise<{rejected: number; sent: number}> {
  const ids = outbox.ids()
  const live = await freshSession(session, signal)
  let sent = 0
  let rejected = 0
  let unacked = 0
  for (let start = 0; start < ids.length; start += BATCH) {
    const events = ids.slice(start, start + BATCH).flatMap(id => outbox.read(id) ?? [])
    if (events.length === 0) continue
    // eslint-disable-next-line no-await-in-loop -- batches go in order, one at a time
    const results = await sendBatch(live.server, live.access_token, events, signal)
    // The server's word decides which of *our* files go: an ack is honoured only for an event of this
    // batch, once; any other id (a path, another batch's event, a repeat) is ignored.
    const pending = new Set(events.map(event => event.event_id))
    for (const result of Array.isArray(results) ? results : []) {
      if (typeof result?.event_id !== 'string' || !pending.delete(result.event_id)) continue
      if (result.status === 'accepted' || result.status === 'duplicate') {
        outbox.remove(result.event_id)
        sent++
      } else if (result.status === 'rejected') {
        outbox.reject(result.event_id, typeof result.reason === 'string' ? result.reason : 'no reason given')
        rejected++
      } else {
        pending.add(result.event_id) // an unknown status: the event stays queued
      }
    }

    if (pending.size > 0) unacked += pending.size

    progress?.(sent, ids.length)
  }

  runtime().writeFileAtomic(join(stateDir(), 'last-sync.json'), JSON.stringify({at: new Date().toISOString(), rejected, sent}) + '\n')
  if (rejected > 0) throw new SyncFailure('sync.server_error', `the server rejected ${rejected} event(s); they are kept in ${join(outbox.dir, 'rejected')}`, false)
  if (unacked > 0) throw new SyncFailure('sync.server_error', `the server acknowledged only part of the batch; ${unacked} event(s) stay queued`, true)
  return {rejected, sent}
}
