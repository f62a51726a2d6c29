import {runtime} from './runtime.js'
import {readSession, type Session} from './session.js'
import {syncFlagOn} from './sync-flag.js'

/**
 * Sync is on when the flag is on and a session names a server. Off means no outbox, no network and
 * no output at all; the check reads one small file and nothing else.
 */
export function activeSession(env: NodeJS.ProcessEnv = process.env): Session | undefined {
  if (!syncFlagOn(env)) return undefined
  return readSession(env)
}

/** What `sync now` and `sync watch` need before they contact anyone: the flag on and a session. */
export function requireSyncSession(env: NodeJS.ProcessEnv = process.env): Session {
  if (!syncFlagOn(env)) throw runtime().error('sync_disabled', 'Sync is off: SPEC_KITTY_ENABLE_SAAS_SYNC is not set to 1/true/yes/on.', {remediation: 'export SPEC_KITTY_ENABLE_SAAS_SYNC=1'})
  const session = readSession(env)
  if (!session) throw runtime().error('not_logged_in', 'Sync is on but there is no session.', {remediation: 'spec-kitty auth login --server <url>'})
  return session
}
