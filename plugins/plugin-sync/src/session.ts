import {
  existsSync, mkdirSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import {join} from 'node:path'

import {runtime} from './runtime.js'
import {configDir} from './sync-paths.js'

/** The stored login. Tokens live only in this file (mode 0600), never in output or logs. */
export interface Session {
  access_token: string
  account: string
  /** ISO time the access token expires, or null when it does not. */
  expires_at: null | string
  refresh_token: null | string
  server: string
}

export class SessionFileError extends Error {}

export const sessionPath = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'session.json')

export function readSession(env: NodeJS.ProcessEnv = process.env): Session | undefined {
  const path = sessionPath(env)
  if (!existsSync(path)) return undefined
  // eslint-disable-next-line no-bitwise -- permission bits
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new SessionFileError(`${path} is readable by other users; refusing to use it. Run: chmod 600 '${path}'`)
  }

  let session: Session
  try {
    session = JSON.parse(readFileSync(path, 'utf8')) as Session
  } catch {
    throw new SessionFileError(`${path} is not valid JSON; run spec-kitty auth login again.`)
  }

  if (typeof session?.server !== 'string' || typeof session.access_token !== 'string') throw new SessionFileError(`${path} is not a valid session; run spec-kitty auth login again.`)
  return session
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

export function isExpired(session: Session, now = Date.now()): boolean {
  return session.expires_at !== null && Date.parse(session.expires_at) <= now + 5000
}
