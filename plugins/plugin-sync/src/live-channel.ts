import type {Session} from './session.js'

import {exchange, stringField} from './http.js'
import {printable} from './printable.js'
import {socketUrl} from './server-url.js'
import {SyncFailure} from './sync-diagnostic.js'

export interface SocketGrant {
  url: URL
  wsToken: string
}

/**
 * `POST /api/v1/ws-token`: a short-lived socket token and the URL to use it at. The URL must be
 * wss:// (ws:// on loopback only): a server does not get to downgrade the live channel.
 */
export async function socketGrant(session: Session, signal: AbortSignal): Promise<SocketGrant> {
  const answer = await exchange(new URL('/api/v1/ws-token', session.server), {
    body: JSON.stringify({team_id: session.team_slug}), headers: {accept: 'application/json', authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json'}, method: 'POST',
  }, signal)
  if (answer.status === 401 || answer.status === 403) throw new SyncFailure('sync.server_auth_failure', `the server refused a socket token (HTTP ${answer.status}${stringField(answer.json, 'error') ? `: ${stringField(answer.json, 'error')}` : ''})`, false)
  if (answer.status !== 200) throw new SyncFailure('sync.server_error', `POST /api/v1/ws-token answered HTTP ${answer.status}`, answer.status >= 500)
  const wsToken = stringField(answer.json, 'ws_token')
  const wsUrl = stringField(answer.json, 'ws_url')
  if (!wsToken || !wsUrl) throw new SyncFailure('sync.server_error', 'the socket token answer lacks ws_token or ws_url', false)
  const url = socketUrl(wsUrl)
  if (!url) throw new SyncFailure('sync.server_error', `the server handed out an insecure or invalid socket URL (${wsUrl.slice(0, 100)}); refused`, false)
  // The token in the query string is how upstream's client presents it; the header is the safer
  // habit. Both carry the same short-lived socket token, never the access token.
  url.searchParams.set('token', wsToken)
  return {url, wsToken}
}

/** One server frame, as far as the watcher needs to know it. */
export type LiveFrame = {event: Record<string, unknown>; type: 'event'} | {timestamp: unknown; type: 'ping'} | {type: 'other'} | {type: 'snapshot'; workPackages: number}

export function liveFrame(data: string): LiveFrame {
  let frame: Record<string, unknown>
  try {
    frame = JSON.parse(data) as Record<string, unknown>
  } catch {
    return {type: 'other'}
  }

  if (typeof frame !== 'object' || frame === null) return {type: 'other'}
  if (frame.type === 'snapshot') return {type: 'snapshot', workPackages: Array.isArray(frame.work_packages) ? frame.work_packages.length : 0}
  if (frame.type === 'ping') return {timestamp: frame.timestamp ?? null, type: 'ping'}
  if (frame.type === 'event') {
    const event = typeof frame.event === 'object' && frame.event !== null ? frame.event as Record<string, unknown> : frame
    return {event, type: 'event'}
  }

  return {type: 'other'}
}

/** One line per event: when, what, which aggregate, and the lane move when there is one. */
export function eventLine(event: Record<string, unknown>): string {
  const payload = (typeof event.payload === 'object' && event.payload !== null ? event.payload : {}) as Record<string, unknown>
  const move = typeof payload.from_lane === 'string' && typeof payload.to_lane === 'string' ? ` ${printable(payload.from_lane, 200)} → ${printable(payload.to_lane, 200)}` : ''
  return `${printable(event.timestamp, 200)} ${printable(event.event_type, 200)} ${printable(event.aggregate_id, 200)}${move}`
}
