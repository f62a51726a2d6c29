import {randomBytes} from 'node:crypto'
import {
  closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {assertNotSymlink} from './confine.js'
import {isAlive} from './process-alive.js'
import {pidNsTag} from './process-identity.js'
import {isWriteDenied, writeDenied} from './writable.js'

const FULL = new Set(['EDQUOT', 'EFBIG', 'ENOSPC'])

/** The disk (or a quota, or a file-size limit) cannot take the bytes: say so, nothing replaced. */
export function diskFull(path: string, error: NodeJS.ErrnoException): CliError {
  return new CliError('disk_full', `Cannot write ${path}: ${error.code === 'EFBIG' ? 'the file-size limit was reached' : 'no space left on the device'} (${error.code}); nothing was changed.`, {
    remediation: `Free space on the filesystem that holds ${dirname(path)} (df -h ${JSON.stringify(dirname(path))}), then run the command again.`,
  })
}

/** A write failure as the error users see, or the error itself when it is not about the disk. */
export function writeFailure(path: string, error: unknown): unknown {
  if (isWriteDenied(error)) return writeDenied(path, error)
  if (FULL.has((error as NodeJS.ErrnoException)?.code ?? '')) return diskFull(path, error as NodeJS.ErrnoException)
  return error
}

/**
 * Write every byte of `data` at the descriptor's position: write(2) may take fewer bytes than asked
 * (a full disk, a file-size limit), and a short write that goes unnoticed is a truncated file.
 */
export function writeFully(fd: number, data: Uint8Array): void {
  let offset = 0
  while (offset < data.length) {
    const written = writeSync(fd, data, offset, data.length - offset)
    if (written <= 0) throw Object.assign(new Error('write(2) took no bytes'), {code: 'ENOSPC'})
    offset += written
  }
}

/**
 * Temp files carry the writer's pid and PID namespace: a sweeper may judge the pid only when it
 * shares the namespace. Any temp file older than this is garbage whoever wrote it.
 */
const STRAY_TEMP = /^\..+\.(\d+)\.(?:(\d+)-)?[\da-f]{8}\.tmp$/
const ABANDONED_TEMP_MS = 60 * 60_000

const tempName = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${pidNsTag()}-${randomBytes(4).toString('hex')}.tmp`)

/**
 * Write a file so that readers see the old bytes or the new bytes, never a mix: write a temp file in
 * the same directory, check every byte went, fsync it, rename it over the target. A symbolic link at
 * the target is refused (renaming over it would replace the link; following it would write
 * elsewhere). A crash leaves at most a stray temp file, which a later write or command removes.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void {
  assertNotSymlink(path)
  sweepStrayTemps(dirname(path), basename(path))
  const temp = tempName(path)
  try {
    const fd = openSync(temp, 'wx', mode ?? 0o644)
    try {
      writeFully(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }

    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, {force: true})
    throw writeFailure(path, error)
  }
}

function abandoned(dir: string, name: string, pid: string, ns: string | undefined): boolean {
  if (ns !== undefined && ns === pidNsTag() && !isAlive(Number(pid))) return true
  try {
    return Date.now() - statSync(join(dir, name)).mtimeMs > ABANDONED_TEMP_MS
  } catch {
    return false
  }
}

/**
 * Remove the temp files that killed writers left in `dir` (`only` narrows it to one target's):
 * otherwise they sit in the working tree, where `git status` shows them and `git add -A` would
 * commit them. A temp file of a live writer, here or in another PID namespace, is never touched.
 */
export function sweepStrayTemps(dir: string, only?: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return // no folder (yet): nothing to sweep
  }

  for (const name of names) {
    const match = STRAY_TEMP.exec(name)
    if (match && (!only || name.startsWith(`.${only}.`)) && abandoned(dir, name, match[1], match[2])) rmSync(join(dir, name), {force: true})
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
