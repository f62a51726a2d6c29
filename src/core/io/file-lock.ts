import {randomBytes} from 'node:crypto'
import {
  linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {dirname} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {
  formatIdentity, liveness, parseIdentity, type ProcessIdentity, selfIdentity,
} from './process-identity.js'

export interface LockOptions {
  /**
   * How long a lock whose holder cannot be checked (another PID namespace or host) is trusted; past
   * it the lock counts as stale. Keep it above the longest critical section it guards.
   */
  staleAfterMs?: number
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number
  /** What the lock protects, for the error message. */
  what: string
}

const DEFAULT_TIMEOUT_MS = 60_000
const DEFAULT_STALE_AFTER_MS = 30_000
/** A break lock older than this belongs to a process that died mid-break. */
const BREAK_LOCK_STALE_MS = 10_000
/**
 * Our lock files appear complete (link(2) of a finished temp file), so one that does not name a
 * holder was left by another tool (an empty file, as Python's filelock leaves behind); after this
 * long nobody is writing it.
 */
const FOREIGN_LOCK_GRACE_MS = 2000
const sleeper = new Int32Array(new SharedArrayBuffer(4))
const sleep = (ms: number): void => {
  Atomics.wait(sleeper, 0, 0, ms)
}

/**
 * Create `path` naming this process, atomically: write a temp file, then link(2), which fails if
 * the target exists. A reader never sees a half-written lock file of ours.
 */
function tryCreate(path: string): string | undefined {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
  const content = `${formatIdentity(selfIdentity())}\n${new Date().toISOString()} ${randomBytes(4).toString('hex')}\n`
  writeFileSync(temp, content)
  try {
    linkSync(temp, path)
    return content
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return undefined
  } finally {
    rmSync(temp, {force: true})
  }
}

interface Holder {
  ageMs: number
  /** The lock file's content, to make sure a breaker removes the lock it judged and no other. */
  content: string
  identity: Partial<ProcessIdentity> | undefined
}

function readHolder(path: string): Holder | undefined {
  try {
    const content = readFileSync(path, 'utf8')
    const ageMs = Date.now() - statSync(path).mtimeMs
    const first = content.split('\n', 1)[0].trim()
    // Lock files of earlier versions hold a bare pid.
    const identity = /^\d+$/.test(first) ? {pid: Number(first)} : (first.startsWith('pid=') ? parseIdentity(first) : undefined)
    return {ageMs, content, identity}
  } catch {
    return undefined // released meanwhile
  }
}

/** Stale: its holder is dead, or cannot be checked and has held it past any honest critical section. */
function isStale(holder: Holder, staleAfterMs = DEFAULT_STALE_AFTER_MS): boolean {
  if (!holder.identity) return holder.ageMs > FOREIGN_LOCK_GRACE_MS
  const state = liveness(holder.identity)
  return state === 'dead' || (state === 'unknown' && holder.ageMs > staleAfterMs)
}

/**
 * Remove a stale lock. Breakers take a short break lock and re-read the lock, so two waiters that
 * judged the same stale holder cannot remove a lock that a third process has just taken.
 */
function breakStale(path: string, judged: Holder): void {
  const breakPath = `${path}.break`
  if (tryCreate(breakPath) === undefined) {
    try {
      if (Date.now() - statSync(breakPath).mtimeMs > BREAK_LOCK_STALE_MS) rmSync(breakPath, {force: true})
    } catch {
      // gone already
    }

    return
  }

  try {
    if (readHolder(path)?.content === judged.content) rmSync(path, {force: true})
  } finally {
    rmSync(breakPath, {force: true})
  }
}

/** The live holder of a lock (its identity), or undefined when the lock is free or stale. */
export function lockHolder(lockPath: string, options: Pick<LockOptions, 'staleAfterMs'> = {}): Partial<ProcessIdentity> | undefined {
  const holder = readHolder(lockPath)
  if (!holder || isStale(holder, options.staleAfterMs)) return undefined
  return holder.identity ?? {}
}

/**
 * An exclusive lock file naming its holder (pid, start time, boot id, PID namespace). A stale lock
 * is broken, so a killed agent never wedges the mission; no wait outlasts `timeoutMs`. Synchronous
 * on purpose: the critical sections are short file operations and a plain call keeps callers linear.
 */
export function acquireLock(lockPath: string, options: LockOptions): () => void {
  mkdirSync(dirname(lockPath), {recursive: true})
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  let mine: string | undefined
  while ((mine = tryCreate(lockPath)) === undefined) {
    const holder = readHolder(lockPath)
    const stale = holder !== undefined && isStale(holder, options.staleAfterMs)
    if (stale) {
      breakStale(lockPath, holder)
      // Taken at once when the break freed it, even by a caller that will not wait (timeout 0).
      if ((mine = tryCreate(lockPath)) !== undefined) break
    }

    // Checked on every pass, stale or not: no wait outlasts the timeout.
    if (Date.now() >= deadline) {
      throw new CliError('lock_timeout', `Timed out waiting for the ${options.what} lock (${lockPath}).`, {
        remediation: `Wait for the other spec-kitty process to finish, or remove ${lockPath} if no spec-kitty process is running.`,
      })
    }

    if (!stale) sleep(5 + Math.floor(Math.random() * 20))
  }

  let released = false
  return () => {
    if (released) return
    released = true
    // Only our own lock: one judged stale and taken over meanwhile belongs to its new holder.
    if (readHolder(lockPath)?.content === mine) rmSync(lockPath, {force: true})
  }
}

/** `acquireLock` without waiting: the release function, or undefined while a live process holds it. */
export function tryAcquireLock(lockPath: string, options: Omit<LockOptions, 'timeoutMs'>): (() => void) | undefined {
  try {
    return acquireLock(lockPath, {...options, timeoutMs: 0})
  } catch (error) {
    if (error instanceof CliError && error.code === 'lock_timeout') return undefined
    throw error
  }
}

export function withLock<T>(lockPath: string, options: LockOptions, fn: () => T): T {
  const release = acquireLock(lockPath, options)
  try {
    return fn()
  } finally {
    release()
  }
}
