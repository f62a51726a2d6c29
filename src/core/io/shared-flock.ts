import {spawnSync} from 'node:child_process'
import {
  closeSync, constants, fstatSync, mkdirSync, openSync, statSync,
} from 'node:fs'
import {dirname} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {symlinkRefused} from './confine.js'

/**
 * An exclusive `flock(2)` on `path`, the lock Spec Kitty's Python `filelock` takes on the same file,
 * so the two tools exclude each other. Node has no flock binding, so util-linux's flock(1) takes it
 * on a file descriptor this process opened and hands to it: a flock belongs to the open file
 * description, so once flock(1) has it and exits, our descriptor holds the lock. It is released
 * when we close it, or when this process dies, whichever comes first. The file is never deleted
 * (filelock before 3.21 leaves it too). Returns undefined where flock(1) is not installed: the
 * caller's own lock still excludes other spec-kitty processes.
 */
export function acquireSharedFlock(path: string, options: {timeoutMs: number; what: string}): (() => void) | undefined {
  mkdirSync(dirname(path), {recursive: true})
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    const fd = openLockFile(path)
    const seconds = Math.max(0, (deadline - Date.now()) / 1000)
    const locked = spawnSync('flock', ['--exclusive', '--wait', seconds.toFixed(3), '3'], {stdio: ['ignore', 'ignore', 'pipe', fd]})
    if (locked.error) {
      closeSync(fd)
      if ((locked.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw locked.error
    }

    if (locked.status !== 0) {
      closeSync(fd)
      throw new CliError('lock_timeout', `Timed out after ${options.timeoutMs < 1000 ? `${options.timeoutMs} ms` : `${Math.round(options.timeoutMs / 1000)} s`} waiting for the ${options.what} lock (${path}), which another process holds (Spec Kitty's Python CLI takes the same lock).`, {
        remediation: `Wait for the other process to finish (find it with: fuser ${path}), then run the command again.`,
      })
    }

    // A newer filelock deletes the file on release: a lock on an inode no longer at `path` excludes
    // nobody, so it is dropped and taken again on the file that is there now.
    if (sameFile(fd, path)) {
      let released = false
      return () => {
        if (released) return
        released = true
        closeSync(fd)
      }
    }

    closeSync(fd)
  }
}

function openLockFile(path: string): number {
  try {
    // eslint-disable-next-line no-bitwise -- open(2) flags: create, never truncate, never through a link
    return openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path)
    throw error
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const held = fstatSync(fd)
    const there = statSync(path)
    return held.ino === there.ino && held.dev === there.dev
  } catch {
    return false
  }
}
