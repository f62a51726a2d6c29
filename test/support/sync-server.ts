import type {AddressInfo, Socket} from 'node:net'

import {createHash, randomBytes} from 'node:crypto'
import {
  createServer, type IncomingMessage, type Server, type ServerResponse,
} from 'node:http'
import {gunzipSync} from 'node:zlib'
import {type WebSocket, WebSocketServer} from 'ws'

import {schemaErrors} from './schemas.js'

/**
 * How the batch endpoint misbehaves, per request (docs/sync-protocol.md describes the healthy one):
 * - 400-list / 400-json-string / 400-plain: a 400 whose `details` rejects the first event (list or
 *   JSON string) or the whole batch (plain string)
 * - 401, 403, 413, 500: that status for the whole batch
 * - half-acked: results for the first half of the batch only
 * - never-answer: read the request, never answer
 * - redirect: 307 to another origin
 */
export type BatchFault = '400-json-string' | '400-list' | '400-plain' | '401' | '403' | '413' | '500' | 'half-acked' | 'healthy' | 'never-answer' | 'redirect'

export type DeviceStep = 'access_denied' | 'approve' | 'authorization_pending' | 'expired_token' | 'slow_down'

interface AuthorizationCode {
  challenge: string
  redirectUri: string
}

export const TEST_USER = {email: 'ada@example.com', name: 'Ada', user_id: 'u-1'}

/**
 * A loopback server that follows Spec Kitty's hosted sync contract
 * (../shared/reference/spec-kitty-hosted-sync-contract.md), not our wishes: OAuth (authorize with
 * PKCE, device flow, token for the three grants with expiries), /api/v1/me, the gzip batch endpoint
 * validating every event against schemas/event-envelope.schema.json and deduping by event_id, the
 * health endpoint, and the live channel (ws-token, socket with snapshot, events and pings). Tests
 * run it in-process and the CLI as a subprocess, over real sockets.
 */
export class SyncTestServer {
  /** Applied to every batch request after the queued ones are used up. */
  fault: BatchFault = 'healthy'
  /** One fault per coming batch request, before `fault` applies. */
  readonly faultQueue: BatchFault[] = []
  /** Every distinct event the server accepted, in arrival order. */
  readonly received: Array<Record<string, unknown>> = []
  /** How many times each event id arrived (a resend is answered `duplicate`). */
  readonly arrivals = new Map<string, number>()
  /** Every batch request: its status and how many events it carried. */
  readonly batches: Array<{events: number; status: number}> = []
  /** Valid access tokens, and refresh tokens (rotated on every refresh). */
  readonly tokens = new Set<string>(['good-token'])
  readonly refreshTokens = new Set<string>(['good-refresh'])
  teams = ['team-a', 'team-b']
  /** Lifetimes the token endpoint hands out, in seconds. */
  accessLifetime = 3600
  refreshLifetime = 30 * 24 * 3600
  /** `sync_ingress.limits` of the health endpoint; undefined = the endpoint answers 404. */
  limits: undefined | {max_events_per_batch?: number; max_request_bytes?: number}
  /** A batch request body larger than this (after gunzip) is answered 413. */
  maxRequestBytes = 10 * 1024 * 1024
  /** What the authorize endpoint does: redirect back with a code, or with error=access_denied. */
  authorizeDecision: 'approve' | 'deny' = 'approve'
  /** The device flow's answers to successive polls (the last one repeats). */
  deviceScript: DeviceStep[] = ['authorization_pending', 'approve']
  deviceInterval = 0.05
  /** Every poll of the device flow, with the time it arrived. */
  readonly devicePolls: number[] = []
  refreshes = 0
  /** A hostile or broken server: answers the batch with these results instead of honest ones. */
  ackOverride: ((events: Array<Record<string, unknown>>) => unknown[]) | undefined
  /** Answers the refresh grant itself (a redirect, a malformed body) instead of refreshing. */
  refreshOverride: ((response: ServerResponse) => void) | undefined
  /** The socket: ping period, and the pongs received. */
  pingIntervalMs = 100
  readonly pongs: unknown[] = []
  /** Fixed at the first listen() so the server can come back on the same port (a restart). */
  url = ''
  private readonly codes = new Map<string, AuthorizationCode>()
  private deviceCode: string | undefined
  private devicePollCount = 0
  private http: Server
  private readonly sockets = new Set<Socket>()
  private readonly wsTokens = new Set<string>()
  private readonly wss = new WebSocketServer({noServer: true})

  constructor() {
    this.http = this.createHttp()
  }

  async close(): Promise<void> {
    if (!this.http.listening) return
    for (const client of this.wss.clients) client.terminate()
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(done => {
      this.http.close(() => done())
    })
  }

  async listen(): Promise<this> {
    const port = this.url ? Number(new URL(this.url).port) : 0
    await new Promise<void>(done => {
      this.http.listen(port, '127.0.0.1', () => done())
    })
    this.url ||= `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`
    return this
  }

  /** Down and up again on the same port, keeping what it received (a deploy, a crash). */
  async restart(): Promise<void> {
    await this.close()
    this.http = this.createHttp()
    await this.listen()
  }

  /** Every event accepted so far, counted by event_id: 1 each when nothing was delivered twice. */
  deliveredOnce(): boolean {
    return this.received.length === new Set(this.received.map(event => event.event_id)).size
  }

  private accessToken(request: IncomingMessage): string | undefined {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
    return token && this.tokens.has(token) ? token : undefined
  }

  private authorize(url: URL, response: ServerResponse): void {
    const redirect = url.searchParams.get('redirect_uri') ?? ''
    const state = url.searchParams.get('state') ?? ''
    const checks = [
      url.searchParams.get('client_id') === 'cli_native',
      url.searchParams.get('response_type') === 'code',
      url.searchParams.get('code_challenge_method') === 'S256',
      /^[\w-]{43}$/.test(url.searchParams.get('code_challenge') ?? ''),
      url.searchParams.get('scope') === 'offline_access',
      state !== '',
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/.test(redirect),
    ]
    const valid = checks.every(Boolean)
    if (!valid) {
      json(response, 400, {error: 'invalid_request'})
      return
    }

    const back = new URL(redirect)
    back.searchParams.set('state', state)
    if (this.authorizeDecision === 'deny') {
      back.searchParams.set('error', 'access_denied')
    } else {
      const code = randomBytes(16).toString('hex')
      this.codes.set(code, {challenge: url.searchParams.get('code_challenge')!, redirectUri: redirect})
      back.searchParams.set('code', code)
    }

    response.writeHead(302, {location: back.toString()}).end()
  }

  private batch(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const fault = this.faultQueue.shift() ?? this.fault
    const answer = (status: number, document: unknown, events = 0) => {
      this.batches.push({events, status})
      json(response, status, document)
    }

    if (fault === 'never-answer') return
    if (!this.accessToken(request) || fault === '401') return answer(401, {error: 'authentication failed'})
    if (!this.teams.includes(String(request.headers['x-team-slug'])) || fault === '403') return answer(403, {error: 'not a member of this team'})
    if (fault === 'redirect') {
      response.writeHead(307, {location: 'http://127.0.0.2:9/api/v1/events/batch/'}).end()
      return
    }

    let events: Array<Record<string, unknown>>
    try {
      if (request.headers['content-encoding'] !== 'gzip') throw new Error('the body must be gzip')
      const text = gunzipSync(body)
      if (text.length > this.maxRequestBytes || fault === '413') return answer(413, {error: 'payload too large'})
      events = (JSON.parse(text.toString('utf8')) as {events: Array<Record<string, unknown>>}).events
      if (!Array.isArray(events) || events.length > 1000) throw new Error('events must be a list of at most 1000')
    } catch (error) {
      return answer(400, {details: (error as Error).message, error: 'invalid batch'})
    }

    const first = String(events[0]?.event_id)
    if (fault === '500') return answer(500, {error: 'internal error'}, events.length)
    if (fault === '400-list') return answer(400, {details: [{error: 'invalid payload', event_id: first}], error: 'validation failed'}, events.length)
    if (fault === '400-json-string') return answer(400, {details: JSON.stringify([{event_id: first, reason: 'unknown lane'}]), error: 'validation failed'}, events.length)
    if (fault === '400-plain') return answer(400, {details: 'the batch could not be parsed', error: 'invalid batch'}, events.length)
    if (this.ackOverride) return answer(200, {results: this.ackOverride(events)}, events.length)
    const judged = fault === 'half-acked' ? events.slice(0, Math.ceil(events.length / 2)) : events
    answer(200, {results: judged.map(event => this.judge(event))}, events.length)
  }

  private createHttp(): Server {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', chunk => chunks.push(chunk))
      request.on('end', () => this.route(request, Buffer.concat(chunks), response))
    })
    server.on('connection', socket => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    server.on('upgrade', (request, socket, head) => this.upgrade(request, socket as Socket, head))
    return server
  }

  private device(response: ServerResponse): void {
    this.deviceCode = randomBytes(16).toString('hex')
    this.devicePollCount = 0
    json(response, 200, {
      device_code: this.deviceCode, expires_in: 600, interval: this.deviceInterval, user_code: 'WDJBMJHT', verification_uri: `${this.url}/device`,
    })
  }

  private issueTokens(response: ServerResponse): void {
    const access = `access-${randomBytes(8).toString('hex')}`
    const refresh = `refresh-${randomBytes(8).toString('hex')}`
    this.tokens.add(access)
    this.refreshTokens.add(refresh)
    json(response, 200, {
      access_token: access, expires_in: this.accessLifetime, refresh_token: refresh, refresh_token_expires_in: this.refreshLifetime, token_type: 'Bearer',
    })
  }

  private judge(event: Record<string, unknown>): Record<string, unknown> {
    const id = String(event.event_id)
    const seen = this.arrivals.get(id) ?? 0
    this.arrivals.set(id, seen + 1)
    const errors = schemaErrors('event-envelope', event)
    if (errors) return {error: `schema: ${errors}`, event_id: id, status: 'rejected'}
    if (seen > 0 && this.received.some(known => known.event_id === id)) return {event_id: id, status: 'duplicate'}
    this.received.push(event)
    for (const client of this.wss.clients) client.send(JSON.stringify({event, type: 'event'}))
    return {event_id: id, status: 'success'}
  }

  private route(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url)
    const route = `${request.method} ${url.pathname}`
    if (route === 'GET /oauth/authorize') return this.authorize(url, response)
    if (route === 'POST /oauth/device') return this.device(response)
    if (route === 'POST /oauth/token') return this.token(new URLSearchParams(body.toString('utf8')), response)
    if (route === 'GET /api/v1/me') {
      if (!this.accessToken(request)) return json(response, 401, {error: 'not authenticated'})
      return json(response, 200, {...TEST_USER, teams: this.teams.map(slug => ({name: slug.toUpperCase(), slug}))})
    }

    if (route === 'GET /api/v1/sync/health/') return this.limits ? json(response, 200, {status: 'ok', sync_ingress: {limits: this.limits}}) : json(response, 404, {error: 'not found'})
    if (route === 'POST /api/v1/events/batch/') return this.batch(request, body, response)
    if (route === 'POST /api/v1/ws-token') {
      if (!this.accessToken(request)) return json(response, 401, {error: 'not authenticated'})
      const wsToken = `ws-${randomBytes(8).toString('hex')}`
      this.wsTokens.add(wsToken)
      return json(response, 200, {
        expires_in: 60, session_id: randomBytes(4).toString('hex'), ws_token: wsToken, ws_url: `${this.url.replace('http:', 'ws:')}/ws/v1/events`,
      })
    }

    json(response, 404, {error: 'not found'})
  }

  private token(form: URLSearchParams, response: ServerResponse): void {
    if (form.get('client_id') !== 'cli_native') return json(response, 401, {error: 'invalid_client'})
    const grant = form.get('grant_type')
    if (grant === 'refresh_token') {
      this.refreshes++
      if (this.refreshOverride) return this.refreshOverride(response)
      const refresh = form.get('refresh_token') ?? ''
      if (!this.refreshTokens.delete(refresh)) return json(response, 400, {error: 'invalid_grant'})
      return this.issueTokens(response)
    }

    if (grant === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '')
      this.codes.delete(form.get('code') ?? '')
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url')
      if (!code || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri')) return json(response, 400, {error: 'invalid_grant'})
      return this.issueTokens(response)
    }

    if (grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      if (!this.deviceCode || form.get('device_code') !== this.deviceCode) return json(response, 400, {error: 'invalid_grant'})
      this.devicePolls.push(Date.now())
      const step = this.deviceScript[Math.min(this.devicePollCount++, this.deviceScript.length - 1)]
      if (step !== 'approve') return json(response, 400, {error: step})
      this.deviceCode = undefined
      return this.issueTokens(response)
    }

    json(response, 400, {error: 'unsupported_grant_type'})
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(request.url ?? '/', this.url)
    const token = url.searchParams.get('token') ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? ''
    if (url.pathname !== '/ws/v1/events' || !this.wsTokens.delete(token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }

    this.wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const workPackages = [...new Set(this.received.filter(e => e.aggregate_type === 'WorkPackage').map(e => e.aggregate_id))]
      ws.send(JSON.stringify({type: 'snapshot', work_packages: workPackages.map(id => ({wp_id: id}))}))
      const pinger = setInterval(() => ws.send(JSON.stringify({timestamp: new Date().toISOString(), type: 'ping'})), this.pingIntervalMs)
      ws.on('message', data => {
        const frame = JSON.parse(String(data)) as {timestamp?: unknown; type?: string}
        if (frame.type === 'pong') this.pongs.push(frame.timestamp)
      })
      ws.on('close', () => clearInterval(pinger))
    })
  }
}

function json(response: ServerResponse, status: number, document: unknown): void {
  response.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(document))
}
