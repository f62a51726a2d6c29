import {createHash, randomBytes} from 'node:crypto'

import {exchange, type HttpAnswer, stringField} from './http.js'
import {type Session, type SessionUser} from './session.js'
import {SyncFailure} from './sync-diagnostic.js'

/** Spec Kitty's public client: no secret, PKCE instead (RFC 7636). */
export const CLIENT_ID = 'cli_native'
export const SCOPE = 'offline_access'

const TOKEN = /^[\u0021-\u007E]{1,8192}$/
/** A year: longer lifetimes are not what any OAuth server hands out, and would overflow a Date. */
const MAX_LIFETIME_S = 365 * 24 * 3600

export interface TokenAnswer {
  access_token: string
  /** ISO expiry of the access token; null when nobody stated one. */
  access_expires_at: null | string
  refresh_token: null | string
  /** ISO expiry of the refresh token as the server stated it, or null when it did not. */
  refresh_expires_at: null | string
}

/** An OAuth error answer (`{"error": "invalid_grant"}`), or undefined. */
export const oauthError = (answer: HttpAnswer): string | undefined => stringField(answer.json, 'error')

const refused = (why: string): SyncFailure => new SyncFailure('sync.server_error', `the token answer was refused: ${why}`, false)

function lifetime(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIFETIME_S) throw refused(`${what} is not a number of seconds up to a year`)
  return value
}

/**
 * Check a token endpoint answer before anything is stored: a token that is not a printable string,
 * or a lifetime that is not a sane number of seconds, would brick the session file. The refresh
 * token's expiry is the server's (`refresh_token_expires_at`, else `_in`), never a constant of ours.
 */
export function validTokenAnswer(body: unknown, now = Date.now()): TokenAnswer {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof answer.access_token !== 'string' || !TOKEN.test(answer.access_token)) throw refused('access_token is not a token')
  if (answer.refresh_token !== undefined && answer.refresh_token !== null && (typeof answer.refresh_token !== 'string' || !TOKEN.test(answer.refresh_token))) throw refused('refresh_token is not a token')
  const accessLifetime = lifetime(answer.expires_in ?? 3600, 'expires_in')
  let refreshExpiresAt: null | string = null
  if (answer.refresh_token_expires_at !== undefined && answer.refresh_token_expires_at !== null) {
    const at = typeof answer.refresh_token_expires_at === 'string' ? Date.parse(answer.refresh_token_expires_at) : Number.NaN
    if (Number.isNaN(at)) throw refused('refresh_token_expires_at is not a time')
    refreshExpiresAt = new Date(at).toISOString()
  } else if (answer.refresh_token_expires_in !== undefined && answer.refresh_token_expires_in !== null) {
    refreshExpiresAt = new Date(now + (lifetime(answer.refresh_token_expires_in, 'refresh_token_expires_in') * 1000)).toISOString()
  }

  return {
    access_expires_at: new Date(now + (accessLifetime * 1000)).toISOString(),
    access_token: answer.access_token,
    refresh_expires_at: refreshExpiresAt,
    refresh_token: typeof answer.refresh_token === 'string' ? answer.refresh_token : null,
  }
}

const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields), headers: {accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded'}, method: 'POST' as const,
})

/** POST to `/oauth/token`: the answer as it came (callers decide what an error means for them). */
export function tokenRequest(server: string, fields: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer> {
  return exchange(new URL('/oauth/token', server), form({...fields, client_id: CLIENT_ID}), signal)
}

// ---------------------------------------------------------------------------------------------
// who the token belongs to
// ---------------------------------------------------------------------------------------------

export interface Identity {
  teams: string[]
  user: SessionUser
}

/** `GET /api/v1/me`: the user and the slugs of their teams (entries with a `slug`, else an `id`). */
export async function whoAmI(server: string, accessToken: string, signal: AbortSignal): Promise<Identity> {
  const answer = await exchange(new URL('/api/v1/me', server), {headers: {accept: 'application/json', authorization: `Bearer ${accessToken}`}, method: 'GET'}, signal)
  if (answer.status === 401 || answer.status === 403) throw new SyncFailure('sync.server_auth_failure', `the server did not accept the token (HTTP ${answer.status})`, false)
  if (answer.status !== 200 || typeof answer.json !== 'object' || answer.json === null) throw new SyncFailure('sync.server_error', `GET /api/v1/me answered HTTP ${answer.status}`, answer.status >= 500)
  const me = answer.json as Record<string, unknown>
  const teams = (Array.isArray(me.teams) ? me.teams : [])
  .map(team => stringField(team, 'slug') ?? stringField(team, 'id'))
  .filter((slug): slug is string => slug !== undefined && /^[\w.-]{1,200}$/.test(slug))
  return {
    teams,
    user: {email: stringField(me, 'email') ?? '', id: String(me.user_id ?? me.id ?? ''), name: stringField(me, 'name') ?? ''},
  }
}

/** The session a login ends with; `team` picks one of the user's teams (the first when not given). */
export function newSession(server: string, tokens: TokenAnswer, identity: Identity, team: string | undefined): Session {
  if (team !== undefined && !identity.teams.includes(team)) throw new SyncFailure('sync.server_auth_failure', `you are not a member of the team ${JSON.stringify(team)}; your teams: ${identity.teams.join(', ') || 'none'}`, false)
  return {
    ...tokens, server, team_slug: team ?? identity.teams[0] ?? null, teams: identity.teams, user: identity.user,
  }
}

// ---------------------------------------------------------------------------------------------
// browser login: authorization code with PKCE (S256)
// ---------------------------------------------------------------------------------------------

const base64url = (bytes: Buffer): string => bytes.toString('base64url')

export interface PkceRequest {
  state: string
  verifier: string
}

export function pkceRequest(): PkceRequest {
  return {state: base64url(randomBytes(24)), verifier: base64url(randomBytes(48))}
}

export function authorizationUrl(server: string, request: PkceRequest, redirectUri: string): URL {
  const url = new URL('/oauth/authorize', server)
  const challenge = base64url(createHash('sha256').update(request.verifier).digest())
  for (const [key, value] of Object.entries({
    client_id: CLIENT_ID, code_challenge: challenge, code_challenge_method: 'S256', redirect_uri: redirectUri, response_type: 'code', scope: SCOPE, state: request.state,
  })) url.searchParams.set(key, value)
  return url
}

// ---------------------------------------------------------------------------------------------
// headless login: device authorization (RFC 8628)
// ---------------------------------------------------------------------------------------------

export interface DeviceGrant {
  device_code: string
  expires_in: number
  /** Seconds between polls (RFC 8628 default 5). */
  interval: number
  user_code: string
  verification_uri: string
  verification_uri_complete?: string
}

export async function startDeviceGrant(server: string, signal: AbortSignal): Promise<DeviceGrant> {
  const answer = await exchange(new URL('/oauth/device', server), form({client_id: CLIENT_ID, scope: SCOPE}), signal)
  const grant = answer.json as Partial<DeviceGrant> | undefined
  if (answer.status !== 200 || !grant || typeof grant.device_code !== 'string' || typeof grant.user_code !== 'string' || typeof grant.verification_uri !== 'string') {
    throw new SyncFailure('sync.server_error', `POST /oauth/device answered HTTP ${answer.status}${oauthError(answer) ? ` (${oauthError(answer)})` : ''}`, false)
  }

  const interval = typeof grant.interval === 'number' && grant.interval > 0 && grant.interval <= 60 ? grant.interval : 5
  const expiresIn = typeof grant.expires_in === 'number' && grant.expires_in > 0 ? Math.min(grant.expires_in, 3600) : 900
  return {...grant as DeviceGrant, expires_in: expiresIn, interval}
}

/** `ABCDEFGH` → `ABCD-EFGH`: the user code in groups of four, as people read it aloud. */
export const groupedUserCode = (code: string): string => (/[\s-]/.test(code) ? code : code.match(/.{1,4}/g)?.join('-') ?? code)

const pause = (ms: number, signal: AbortSignal): Promise<void> => new Promise(resolve => {
  const timer = setTimeout(resolve, ms)
  signal.addEventListener('abort', () => {
    clearTimeout(timer)
    resolve()
  }, {once: true})
})

export type DeviceOutcome = {tokens: TokenAnswer} | {why: 'access_denied' | 'expired_token'}

/**
 * Poll the token endpoint until the user approved or declined, or the code expired: at the given
 * interval, 5 s slower after each `slow_down` (RFC 8628 §3.5).
 */
export async function pollDeviceGrant(server: string, grant: DeviceGrant, signal: AbortSignal): Promise<DeviceOutcome> {
  const deadline = Date.now() + (grant.expires_in * 1000)
  let interval = grant.interval * 1000
  while (Date.now() < deadline) {
    // eslint-disable-next-line no-await-in-loop -- polling is sequential by nature
    await pause(interval, signal)
    if (signal.aborted) throw new SyncFailure('sync.event_loop_unavailable', String(signal.reason ?? 'interrupted'), false)
    // eslint-disable-next-line no-await-in-loop
    const answer = await tokenRequest(server, {device_code: grant.device_code, grant_type: 'urn:ietf:params:oauth:grant-type:device_code'}, signal)
    if (answer.status === 200) return {tokens: validTokenAnswer(answer.json)}
    const error = oauthError(answer)
    if (error === 'authorization_pending') continue
    if (error === 'slow_down') {
      interval += 5000
      continue
    }

    if (error === 'access_denied' || error === 'expired_token') return {why: error}
    throw new SyncFailure('sync.server_error', `the token endpoint answered HTTP ${answer.status}${error ? ` (${error})` : ''} while waiting for the device login`, false)
  }

  return {why: 'expired_token'}
}
