import {randomBytes} from 'node:crypto'
import {
  linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {dirname} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {isAlive} from './process-alive.js'

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number
  /** What the lock protects, for the error message. */
  what: string
}

/** A break lock older than this belongs to a process that died mid-break. */
const BREAK_LOCK_STALE_MS = 10_000
const sleeper = new Int32Array(new SharedArrayBuffer(4))
const sleep = (ms: number): void => {
  Atomics.wait(sleeper, 0, 0, ms)
}

/**
 * Create `path` holding our pid, atomically: the file appears complete or not at all (write a temp
 * file, then link(2), which fails if the target exists). A reader never sees an empty lock file.
 */
function tryCreate(path: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(temp, `${process.pid}\n${new Date().toISOString()}\n`)
  try {
    linkSync(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return false
  } finally {
    rmSync(temp, {force: true})
  }
}

function holderPid(path: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10)
  } catch {
    return undefined // released meanwhile
  }
}

/**
 * Remove a lock whose holder is dead. Breakers take a short break lock and re-read the holder, so
 * two waiters that both saw the same dead holder cannot remove a lock a third process just took.
 */
function breakIfStale(path: string, stalePid: number): void {
  const breakPath = `${path}.break`
  if (!tryCreate(breakPath)) {
    try {
      if (Date.now() - statSync(breakPath).mtimeMs > BREAK_LOCK_STALE_MS) rmSync(breakPath, {force: true})
    } catch {
      // gone already
    }

    return
  }

  try {
    if (holderPid(path) === stalePid) rmSync(path, {force: true})
  } finally {
    rmSync(breakPath, {force: true})
  }
}

/**
 * An exclusive lock file holding the owner's pid. A lock whose owner process is gone is stale and
 * broken, so a killed agent never wedges the mission. Synchronous on purpose: the critical sections
 * are short file operations and a plain call keeps the callers linear.
 */
export function acquireLock(lockPath: string, options: LockOptions): () => void {
  mkdirSync(dirname(lockPath), {recursive: true})
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  while (!tryCreate(lockPath)) {
    const pid = holderPid(lockPath)
    if (pid !== undefined && (!Number.isInteger(pid) || !isAlive(pid))) {
      breakIfStale(lockPath, pid)
      continue
    }

    if (Date.now() > deadline) {
      throw new CliError('lock_timeout', `Timed out waiting for the ${options.what} lock (${lockPath}).`, {
        remediation: `Wait for the other spec-kitty process to finish, or remove ${lockPath} if no spec-kitty process is running.`,
      })
    }

    sleep(5 + Math.floor(Math.random() * 20))
  }

  let released = false
  return () => {
    if (released) return
    released = true
    rmSync(lockPath, {force: true})
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
