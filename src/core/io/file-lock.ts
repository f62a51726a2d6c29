import {closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'

import {CliError} from '../output/cli-error.js'

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number
  /** What the lock protects, for the error message. */
  what: string
}

function holderIsAlive(lockPath: string): boolean {
  let pid: number
  try {
    pid = Number.parseInt(readFileSync(lockPath, 'utf8').split('\n')[0] ?? '', 10)
  } catch {
    return true // vanished or unreadable right now: treat as held and retry
  }

  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function tryAcquire(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx')
    writeSync(fd, `${process.pid}\n${new Date().toISOString()}\n`)
    closeSync(fd)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return false
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/**
 * Exclusive lock file (O_EXCL create holding the owner's pid). A lock whose owner process is gone is
 * stale and broken, so a killed agent never wedges the mission. Synchronous on purpose: the critical
 * sections are short file operations and a sync wait keeps the callers simple.
 */
export function acquireLock(lockPath: string, options: LockOptions): () => void {
  mkdirSync(dirname(lockPath), {recursive: true})
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  for (;;) {
    if (tryAcquire(lockPath)) break
    if (!holderIsAlive(lockPath)) {
      // Break the stale lock. Two waiters may both see it stale; only one wins the next create.
      rmSync(lockPath, {force: true})
      continue
    }

    if (Date.now() > deadline) {
      throw new CliError('lock_timeout', `Timed out waiting for the ${options.what} lock (${lockPath}).`, {
        remediation: `Wait for the other spec-kitty process to finish, or remove ${lockPath} if no spec-kitty process is running.`,
      })
    }

    Atomics.wait(sleeper, 0, 0, 10 + Math.floor(Math.random() * 15))
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
