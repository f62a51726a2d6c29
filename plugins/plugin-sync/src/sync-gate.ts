import {readSession, type Session} from './session.js'

const TRUTHY = new Set(['1', 'on', 'true', 'yes'])

/** `SPEC_KITTY_ENABLE_SAAS_SYNC`: only 1/true/yes/on (trimmed, any case) turn sync on. */
export function syncFlagOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return TRUTHY.has((env.SPEC_KITTY_ENABLE_SAAS_SYNC ?? '').trim().toLowerCase())
}

/**
 * Sync is on when the flag is on and a session names a server. Off means no outbox, no network and
 * no output at all; the check reads one small file and nothing else.
 */
export function activeSession(env: NodeJS.ProcessEnv = process.env): Session | undefined {
  if (!syncFlagOn(env)) return undefined
  return readSession(env)
}
