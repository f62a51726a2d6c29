import {join} from 'node:path'

import {tryPidLock} from './pid-lock.js'
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
  const release = tryPidLock(join(configDir(env), 'refresh.lock'))
  if (!release) throw new SyncFailure('sync.auth_refresh_in_progress', 'another spec-kitty process is refreshing the auth session', true)

  // fetch is still labelled experimental in Node 20 but prints no warning and is what 21+ ships as stable.
  /* eslint-disable n/no-unsupported-features/node-builtins */
  try {
    let response: Response
    try {
      response = await fetch(new URL('/oauth/token', session.server), {
        body: new URLSearchParams({grant_type: 'refresh_token', refresh_token: session.refresh_token}),
        method: 'POST',
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw new SyncFailure('sync.event_loop_unavailable', String(signal.reason), false)
      throw new SyncFailure('sync.websocket_offline', `cannot reach ${new URL(session.server).host} to refresh the session (${(error as Error).message})`, true)
    }

    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new SyncFailure('sync.server_auth_failure', `the server refused to refresh the session (HTTP ${response.status}); run spec-kitty auth login`, false)
    }

    if (!response.ok) throw new SyncFailure('sync.server_error', `session refresh failed with HTTP ${response.status}`, true)
    const body = (await response.json()) as {access_token?: string; expires_in?: number; refresh_token?: string}
    if (!body.access_token) throw new SyncFailure('sync.server_error', 'session refresh answered without an access token', true)
    const refreshed: Session = {
      ...session,
      access_token: body.access_token,
      expires_at: new Date(Date.now() + ((body.expires_in ?? 3600) * 1000)).toISOString(),
      refresh_token: body.refresh_token ?? session.refresh_token,
    }
    writeSession(refreshed, env)
    return refreshed
  } finally {
    release()
  }
  /* eslint-enable n/no-unsupported-features/node-builtins */
}
