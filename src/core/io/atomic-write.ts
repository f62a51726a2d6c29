import {randomBytes} from 'node:crypto'
import {
  closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {isAlive} from './process-alive.js'
import {isWriteDenied, writeDenied} from './writable.js'

/**
 * Write a file so that readers see the old bytes or the new bytes, never a mix: write a temp file in
 * the same directory, fsync it, rename it over the target. A crash leaves at most a stray temp file,
 * which the next write of that target (or the next command on its mission) removes.
 */
export function writeFileAtomic(path: string, data: string, mode?: number): void {
  sweepStrayTemps(dirname(path), basename(path))
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fd = openSync(temp, 'wx', mode ?? 0o644)
    try {
      writeSync(fd, data)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }

    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, {force: true})
    throw isWriteDenied(error) ? writeDenied(path, error) : error
  }
}

const STRAY_TEMP = /^\..+\.(\d+)\.[\da-f]{8}\.tmp$/

/**
 * Remove the temp files that killed writers left in `dir` (their pid is gone; `only` narrows it to
 * one target's): otherwise they sit in the working tree, where `git status` shows them and
 * `git add -A` would commit them.
 */
export function sweepStrayTemps(dir: string, only?: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return // no folder (yet): nothing to sweep
  }

  for (const name of names) {
    const pid = STRAY_TEMP.exec(name)?.[1]
    if (pid && (!only || name.startsWith(`.${only}.`)) && !isAlive(Number(pid))) rmSync(join(dir, name), {force: true})
  }
}

/** Like writeFileAtomic, but leaves the file alone (and its mtime) when the bytes are equal. */
export function writeFileIfChanged(path: string, data: string): boolean {
  try {
    if (readFileSync(path, 'utf8') === data) return false
  } catch {
    // missing file: write it
  }

  writeFileAtomic(path, data)
  return true
}
