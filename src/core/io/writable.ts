import {
  accessSync, constants, existsSync, statSync,
} from 'node:fs'
import {dirname} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'

const DENIED = new Set(['EACCES', 'EPERM', 'EROFS'])

/** A filesystem refusal as the error users see: which path, and how to make it writable. */
export function writeDenied(path: string, error: NodeJS.ErrnoException): CliError {
  return new CliError('write_denied', `Cannot write ${path}: ${error.code === 'EROFS' ? 'the filesystem is read-only' : 'permission denied'}.`, {
    remediation: error.code === 'EROFS' ? `Work in a checkout on a writable filesystem (${dirname(path)} is mounted read-only).` : `Check who owns it: ls -ld ${shellQuote(path)} ${shellQuote(dirname(path))}`,
  })
}

export const isWriteDenied = (error: unknown): error is NodeJS.ErrnoException => DENIED.has((error as NodeJS.ErrnoException)?.code ?? '')

/**
 * Refuse, before the first write of a command, when any file it will write (or the folder that will
 * hold it) is read-only. Checked on the mode bits as well as with access(2), because root passes
 * access(2) for everything, and a file marked read-only is the user saying "do not touch".
 */
export function assertWritable(paths: readonly string[]): void {
  // The file itself, and its folder: an atomic write creates its temp file there and renames it over.
  const targets = new Set(paths.flatMap(path => (existsSync(path) ? [path, dirname(path)] : [dirname(path)])))
  for (const target of targets) {
    if (!existsSync(target)) continue
    // eslint-disable-next-line no-bitwise -- the write bits of the mode
    if ((statSync(target).mode & 0o222) === 0) {
      throw new CliError('read_only_file', `${target} is read-only; nothing was changed.`, {
        remediation: `Make it writable, then run the command again: chmod u+w ${shellQuote(target)}`,
      })
    }

    try {
      accessSync(target, constants.W_OK)
    } catch (error) {
      throw writeDenied(target, error as NodeJS.ErrnoException)
    }
  }
}
