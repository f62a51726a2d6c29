import {
  existsSync, mkdirSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import {join} from 'node:path'

import {runtime} from './runtime.js'
import {configDir} from './sync-paths.js'

export interface SessionUser {
  email: string
  id: string
  name: string
}

/** The stored login. Tokens live only in this file (mode 0600), never in output or logs. */
export interface Session {
  access_token: string
  /** ISO time the access token expires, or null when the server gave none. */
  access_expires_at: null | string
  refresh_token: null | string
  /** ISO time the refresh token dies, as the server stated it; null when it did not say. */
  refresh_expires_at: null | string
  server: string
  /** The team events go to (`X-Team-Slug`, `team_slug`). */
  team_slug: null | string
  /** Every team `/api/v1/me` listed, so `auth status` can show the choice. */
  teams: string[]
  user: null | SessionUser
}

export class SessionFileError extends Error {}

export const sessionPath = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'session.json')

const nullableString = (value: unknown): null | string => (typeof value === 'string' ? value : null)

/** A session of this tool, including one written before the OAuth login (`expires_at`, no user). */
function normalized(raw: Record<string, unknown>): Session {
  const user = raw.user as Partial<SessionUser> | null | undefined
  return {
    access_expires_at: nullableString(raw.access_expires_at ?? raw.expires_at),
    access_token: raw.access_token as string,
    refresh_expires_at: nullableString(raw.refresh_expires_at),
    refresh_token: nullableString(raw.refresh_token),
    server: raw.server as string,
    team_slug: nullableString(raw.team_slug),
    teams: Array.isArray(raw.teams) ? raw.teams.filter((t): t is string => typeof t === 'string') : [],
    user: user && typeof user.email === 'string' ? {email: user.email, id: String(user.id ?? ''), name: String(user.name ?? '')} : null,
  }
}

export function readSession(env: NodeJS.ProcessEnv = process.env): Session | undefined {
  const path = sessionPath(env)
  if (!existsSync(path)) return undefined
  // eslint-disable-next-line no-bitwise -- permission bits
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new SessionFileError(`${path} is readable by other users; refusing to use it. Run: chmod 600 '${path}'`)
  }

  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    throw new SessionFileError(`${path} is not valid JSON; run spec-kitty auth login again.`)
  }

  if (typeof raw?.server !== 'string' || typeof raw.access_token !== 'string') throw new SessionFileError(`${path} is not a valid session; run spec-kitty auth login again.`)
  return normalized(raw)
}

export function writeSession(session: Session, env: NodeJS.ProcessEnv = process.env): void {
  const path = sessionPath(env)
  mkdirSync(configDir(env), {mode: 0o700, recursive: true})
  // Created 0600 before a byte of the token is written, then renamed over the old session.
  runtime().writeFileAtomic(path, JSON.stringify(session, null, 2) + '\n', 0o600)
}

export function deleteSession(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = sessionPath(env)
  const existed = existsSync(path)
  rmSync(path, {force: true})
  return existed
}

/** At or near expiry (5 s): refreshed before use, so a request never goes out with a dying token. */
export function isExpired(session: Session, now = Date.now()): boolean {
  return session.access_expires_at !== null && Date.parse(session.access_expires_at) <= now + 5000
}

/** The refresh token is past the expiry the server stated: only a new login helps. */
export function refreshDead(session: Session, now = Date.now()): boolean {
  return session.refresh_token === null || (session.refresh_expires_at !== null && Date.parse(session.refresh_expires_at) <= now)
}

/** Who the queue belongs to: events queued for one identity never go to another. */
export const sessionAccount = (session: Session): string => `${session.user?.email ?? 'token'}|${session.team_slug ?? 'local'}`
