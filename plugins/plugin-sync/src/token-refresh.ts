import {join} from 'node:path'

import {oauthError, tokenRequest, validTokenAnswer} from './oauth.js'
import {runtime} from './runtime.js'
import {
  deleteSession, isExpired, readSession, refreshDead, type Session, writeSession,
} from './session.js'
import {SyncFailure} from './sync-diagnostic.js'
import {configDir} from './sync-paths.js'

const LOGIN_AGAIN = 'run spec-kitty auth login'

/** The session is over: cleared (if it is still the stored one), and the diagnostic says what to do. */
function ended(session: Session, why: string, env: NodeJS.ProcessEnv): SyncFailure {
  if (readSession(env)?.refresh_token === session.refresh_token) deleteSession(env)
  return new SyncFailure('sync.server_auth_failure', `${why}; the session was cleared: ${LOGIN_AGAIN}`, false)
}

/**
 * A session whose access token is valid: refreshed at `/oauth/token` when it is at or near expiry,
 * or when `force`d (the server answered 401), under a cross-process refresh lock. A live holder of
 * that lock is "refresh in progress" (retryable), never mistaken for being logged out (upstream's
 * review finding on #952). A refresh token the server no longer honours ends the session.
 */
export async function freshSession(session: Session, signal: AbortSignal, options: {force?: boolean} = {}, env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  if (!options.force && !isExpired(session)) return session
  if (session.refresh_token === null) throw new SyncFailure('sync.server_auth_failure', `the access token ${options.force ? 'was refused' : 'expired'} and there is no refresh token; ${LOGIN_AGAIN}`, false)
  if (refreshDead(session)) throw ended(session, `the refresh token expired at ${session.refresh_expires_at}`, env)
  const release = runtime().tryLock(join(configDir(env), 'refresh.lock'))
  if (!release) throw new SyncFailure('sync.auth_refresh_in_progress', 'another spec-kitty process is refreshing the auth session', true)
  try {
    // Another process may have refreshed while this one waited: adopt its tokens instead of spending
    // the (possibly rotated, single-use) refresh token a second time.
    const stored = readSession(env)
    if (stored && stored.server === session.server && stored.access_token !== session.access_token && !isExpired(stored)) return stored
    const answer = await tokenRequest(session.server, {grant_type: 'refresh_token', refresh_token: session.refresh_token}, signal)
    if (answer.status === 400 || answer.status === 401) {
      const error = oauthError(answer)
      if (error === 'invalid_grant' || error === 'invalid_token' || answer.status === 401) throw ended(session, `the server no longer honours the refresh token (${error ?? `HTTP ${answer.status}`})`, env)
      throw new SyncFailure('sync.server_auth_failure', `the server refused to refresh the session (HTTP ${answer.status}${error ? `, ${error}` : ''}); ${LOGIN_AGAIN}`, false)
    }

    if (answer.status === 403) throw new SyncFailure('sync.server_auth_failure', `the server refused to refresh the session (HTTP 403); ${LOGIN_AGAIN}`, false)
    if (answer.status >= 300 && answer.status < 400) throw new SyncFailure('sync.server_error', `the server answered the session refresh with a redirect (HTTP ${answer.status}); not followed`, false)
    if (answer.status !== 200) throw new SyncFailure('sync.server_error', `session refresh failed with HTTP ${answer.status}`, true)
    const tokens = validTokenAnswer(answer.json)
    const refreshed: Session = {
      ...session,
      ...tokens,
      // A server that does not rotate keeps the old refresh token and its expiry.
      refresh_expires_at: tokens.refresh_token === null ? session.refresh_expires_at : tokens.refresh_expires_at,
      refresh_token: tokens.refresh_token ?? session.refresh_token,
    }
    writeSession(refreshed, env)
    return refreshed
  } finally {
    release()
  }
}
