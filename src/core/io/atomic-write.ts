import {randomBytes} from 'node:crypto'
import {
  closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {isWriteDenied, writeDenied} from './writable.js'

/**
 * Write a file so that readers see the old bytes or the new bytes, never a mix: write a temp file in
 * the same directory, fsync it, rename it over the target. A crash leaves at most a stray temp file.
 */
export function writeFileAtomic(path: string, data: string, mode?: number): void {
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
