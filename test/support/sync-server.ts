import type {AddressInfo, Socket} from 'node:net'

import {createServer, type IncomingMessage, type Server} from 'node:http'
import {WebSocketServer} from 'ws'

/**
 * How the server misbehaves (docs/sync-protocol.md describes the healthy protocol):
 * - close-after-upgrade: accept the socket, then close it without an ack
 * - never-answer: accept the socket and the batch, never ack
 * - reject-session: accept the upgrade, then answer the batch with an unauthorized error frame
 * - upgrade-401: refuse the WebSocket upgrade with HTTP 401
 */
export type SyncFault = 'close-after-upgrade' | 'healthy' | 'never-answer' | 'reject-session' | 'upgrade-401'

/**
 * A real sync server on 127.0.0.1 (ephemeral port) speaking docs/sync-protocol.md: bearer auth on the
 * upgrade, `batch` frames in, `ack` frames out, dedupe by event_id, and /oauth/token for refresh.
 * Tests run it in-process and the CLI as a subprocess, over real sockets.
 */
export class SyncTestServer {
  fault: SyncFault = 'healthy'
  /** Every distinct event the server accepted, in arrival order. */
  readonly received: Array<Record<string, unknown>> = []
  /** How many times each event id arrived (a resend is answered `duplicate`). */
  readonly arrivals = new Map<string, number>()
  readonly tokens = new Set<string>(['good-token'])
  refreshes = 0
  /** A hostile or broken server: answers the batch with these results instead of honest acks. */
  ackOverride: ((events: Array<Record<string, unknown>>) => unknown[]) | undefined
  /** Answers POST /oauth/token itself (a redirect, a malformed body) instead of refreshing. */
  refreshOverride: ((response: import('node:http').ServerResponse) => void) | undefined
  private readonly http: Server
  private readonly sockets = new Set<Socket>()
  private readonly wss = new WebSocketServer({noServer: true})

  constructor() {
    this.http = createServer((request, response) => this.handleHttp(request, response))
    this.http.on('connection', socket => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    this.http.on('upgrade', (request, socket, head) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
      if (this.fault === 'upgrade-401' || !token || !this.tokens.has(token)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }

      this.wss.handleUpgrade(request, socket, head, ws => {
        if (this.fault === 'close-after-upgrade') return ws.close(1011, 'going away')
        ws.on('message', data => {
          if (this.fault === 'never-answer') return
          if (this.fault === 'reject-session') {
            ws.send(JSON.stringify({code: 'unauthorized', message: 'session revoked', type: 'error'}))
            return ws.close(4401, 'unauthorized')
          }

          const frame = JSON.parse(String(data)) as {events: Array<Record<string, unknown>>; type: string}
          if (this.ackOverride) {
            ws.send(JSON.stringify({results: this.ackOverride(frame.events), type: 'ack'}))
            return
          }

          const results = frame.events.map(event => {
            const id = String(event.event_id)
            const seen = this.arrivals.get(id) ?? 0
            this.arrivals.set(id, seen + 1)
            if (typeof event.event_id !== 'string' || typeof event.event_type !== 'string') return {event_id: id, reason: 'missing event_id or event_type', status: 'rejected'}
            if (seen > 0) return {event_id: id, status: 'duplicate'}
            this.received.push(event)
            return {event_id: id, status: 'accepted'}
          })
          ws.send(JSON.stringify({results, type: 'ack'}))
        })
      })
    })
  }

  /** Fixed at listen() so a test can still name the server after closing it. */
  url = ''

  async close(): Promise<void> {
    if (!this.http.listening) return
    for (const client of this.wss.clients) client.terminate()
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(done => {
      this.http.close(() => done())
    })
  }

  async listen(): Promise<this> {
    await new Promise<void>(done => {
      this.http.listen(0, '127.0.0.1', () => done())
    })
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`
    return this
  }

  private handleHttp(request: IncomingMessage, response: import('node:http').ServerResponse): void {
    if (request.method === 'POST' && request.url === '/oauth/token' && this.refreshOverride) {
      this.refreshes++
      this.refreshOverride(response)
      return
    }

    if (request.method === 'POST' && request.url === '/oauth/token') {
      let body = ''
      request.on('data', chunk => {
        body += chunk
      })
      request.on('end', () => {
        const refresh = new URLSearchParams(body).get('refresh_token')
        if (refresh !== 'good-refresh') {
          response.writeHead(400, {'content-type': 'application/json'}).end(JSON.stringify({error: 'invalid_grant'}))
          return
        }

        this.refreshes++
        const token = `refreshed-${this.refreshes}`
        this.tokens.add(token)
        response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({access_token: token, expires_in: 3600}))
      })
      return
    }

    response.writeHead(404).end()
  }
}
