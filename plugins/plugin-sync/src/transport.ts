import type {EventEnvelope} from './envelope.js'

import {SyncFailure} from './sync-diagnostic.js'

export interface AckResult {
  event_id: string
  reason?: string
  status: 'accepted' | 'duplicate' | 'rejected'
}

const IPV4_LOOPBACK = /^127\.(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){2}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/**
 * A host that is this machine for certain: `localhost`, `::1`, or an IPv4 literal in 127.0.0.0/8.
 * A name that merely starts with "127." (`127.evil.example`) is somebody else's server.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || IPV4_LOOPBACK.test(hostname)
}

/** `wss://` for any real server; plain `ws://` only to loopback (tests, local development). */
export function socketUrl(server: string): URL {
  const url = new URL('/sync', server)
  if (url.protocol === 'https:' || url.protocol === 'wss:') url.protocol = 'wss:'
  else if ((url.protocol === 'http:' || url.protocol === 'ws:') && isLoopbackHost(url.hostname)) url.protocol = 'ws:'
  else throw new SyncFailure('sync.server_error', `refusing an unencrypted connection to ${url.host}; use an https:// server URL`, false)
  return url
}

/** How long a connected server may stay silent before the attempt counts as offline. */
const ANSWER_TIMEOUT_MS = 10_000

const OFFLINE_CODES = new Set(['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT'])

/**
 * Send a batch over one WebSocket and wait for the server's per-event acks. Every way this can fail
 * is classified here, where the cause is known (D9).
 */
export async function sendBatch(server: string, token: string, events: readonly EventEnvelope[], signal: AbortSignal): Promise<AckResult[]> {
  const url = socketUrl(server)
  const {default: WebSocket} = await import('ws')
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {headers: {Authorization: `Bearer ${token}`}})
    let settled = false
    // Our own timer rather than ws's handshakeTimeout, whose error can only be told apart by its text.
    const silence = setTimeout(() => finish(new SyncFailure('sync.websocket_offline', `no answer from ${url.host} within ${ANSWER_TIMEOUT_MS / 1000} s`, true)), ANSWER_TIMEOUT_MS)
    const finish = (error?: SyncFailure, results?: AckResult[]) => {
      if (settled) return
      settled = true
      clearTimeout(silence)
      signal.removeEventListener('abort', onAbort)
      socket.removeAllListeners()
      socket.on('error', () => {}) // a late error after terminate() must not become uncaught
      socket.terminate()
      if (error) reject(error)
      else resolve(results!)
    }

    const onAbort = () => finish(new SyncFailure('sync.event_loop_unavailable', String(signal.reason ?? 'the final sync ran out of time'), false))
    if (signal.aborted) {
      onAbort()
      return
    }

    signal.addEventListener('abort', onAbort)
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0
      if (status === 401 || status === 403) finish(new SyncFailure('sync.server_auth_failure', `the server refused the session (HTTP ${status}); run spec-kitty auth login`, false))
      else finish(new SyncFailure('sync.server_error', `the server answered the WebSocket upgrade with HTTP ${status}`, true))
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const offline = OFFLINE_CODES.has(error.code ?? '')
      finish(new SyncFailure(offline ? 'sync.websocket_offline' : 'sync.server_error', `WebSocket ${offline ? 'unreachable' : 'error'} (${error.code ?? error.message})`, true))
    })
    socket.on('close', code => {
      if (code === 4401 || code === 4403) finish(new SyncFailure('sync.server_auth_failure', 'the server rejected the session; run spec-kitty auth login', false))
      else finish(new SyncFailure('sync.websocket_offline', `the server closed the connection before acknowledging (code ${code})`, true))
    })
    socket.on('open', () => socket.send(JSON.stringify({events, type: 'batch'})))
    socket.on('message', data => {
      let frame: {code?: string; message?: string; results?: AckResult[]; type?: string}
      try {
        frame = JSON.parse(String(data))
      } catch {
        return finish(new SyncFailure('sync.server_error', 'the server sent a frame that is not JSON', true))
      }

      if (frame.type === 'ack' && Array.isArray(frame.results)) finish(undefined, frame.results)
      else if (frame.type === 'error' && (frame.code === 'unauthorized' || frame.code === 'forbidden')) finish(new SyncFailure('sync.server_auth_failure', `the server rejected the session (${frame.code}); run spec-kitty auth login`, false))
      else if (frame.type === 'error') finish(new SyncFailure('sync.server_error', `the server reported an error: ${frame.message ?? frame.code ?? 'unknown'}`, true))
    })
  })
}
