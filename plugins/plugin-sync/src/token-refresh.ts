import {join} from 'node:path'

import {runtime} from './runtime.js'
import {isExpired, type Session, writeSession} from './session.js'
import {SyncFailure} from './sync-diagnostic.js'
import {configDir} from './sync-paths.js'

/**
 * A session whose access token is valid: refreshed against `<server>/oauth/token` when expired,
 * under a cross-process refresh lock. A live holder of that lock is "refresh in progress"
 * (retryable), never mistaken for being logged out (upstream's review finding on #952).
 */
export async function freshSession(session: Session, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  if (!isExpired(session)) return session
  if (!session.refresh_token) throw new SyncFailure('sync.server_auth_failure', 'the access token expired and there is no refresh token; run spec-kitty auth login', false)
  const release = runtime().tryLock(join(configDir(env), 'refresh.lock'))
  if (!release) throw new SyncFailure('sync.auth_refresh_in_progress', 'another spec-kitty process is refreshing the auth session', true)

  // fetch is still labelled experimental in Node 20 but prints no warning and is what 21+ ships as stable.
  /* eslint-disable n/no-unsupported-features/node-builtins */
  try {
    let response: Response
    try {
      response = await fetch(new URL('/oauth/token', session.server), {
        body: new URLSearchParams({grant_type: 'refresh_token', refresh_token: session.refresh_token}),
        method: 'POST',
        // A redirect would carry the refresh token to wherever the answer points: never followed.
        redirect: 'manual',
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw new SyncFailure('sync.event_loop_unavailable', String(signal.reason), false)
      throw new SyncFailure('sync.websocket_offline', `cannot reach ${new URL(session.server).host} to refresh the session (${(error as Error).message})`, true)
    }

    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new SyncFailure('sync.server_auth_failure', `the server refused to refresh the session (HTTP ${response.status}); run spec-kitty auth login`, false)
    }

    if (response.status >= 300 && response.status < 400) throw new SyncFailure('sync.server_error', `the server answered the session refresh with a redirect (HTTP ${response.status}); not followed`, false)
    if (!response.ok) throw new SyncFailure('sync.server_error', `session refresh failed with HTTP ${response.status}`, true)
    const body = validRefreshAnswer(await response.json().catch(() => {}))
    const refreshed: Session = {
      ...session,
      access_token: body.access_token,
      expires_at: new Date(Date.now() + (body.expires_in * 1000)).toISOString(),
      refresh_token: body.refresh_token ?? session.refresh_token,
    }
    writeSession(refreshed, env)
    return refreshed
  } finally {
    release()
  }
  /* eslint-enable n/no-unsupported-features/node-builtins */
}

const TOKEN = /^[\u0021-\u007E]{1,8192}$/
/** A year: longer lifetimes are not what any OAuth server hands out, and would overflow a Date. */
const MAX_EXPIRES_IN = 365 * 24 * 3600

const refusedAnswer = (why: string): SyncFailure => new SyncFailure('sync.server_error', `the session refresh answer was refused: ${why}`, false)

/**
 * Check the refresh answer before anything is stored: a token that is not a printable string, or a
 * lifetime that is not a sane number of seconds, would brick the session file.
 */
export function validRefreshAnswer(body: unknown): {access_token: string; expires_in: number; refresh_token?: string} {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof answer.access_token !== 'string' || !TOKEN.test(answer.access_token)) throw refusedAnswer('access_token is not a token')
  if (answer.refresh_token !== undefined && (typeof answer.refresh_token !== 'string' || !TOKEN.test(answer.refresh_token))) throw refusedAnswer('refresh_token is not a token')
  const expiresIn = answer.expires_in ?? 3600
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) throw refusedAnswer('expires_in is not a number of seconds up to a year')
  return {access_token: answer.access_token, expires_in: expiresIn, refresh_token: answer.refresh_token as string | undefined}
}
