import {
  closeSync, constants, fstatSync, openSync, readSync,
} from 'node:fs'

import {CliError} from '../output/cli-error.js'
import {symlinkRefused} from './confine.js'

/**
 * Mission files arrive in pull requests: one may be a symbolic link to a secret, a FIFO that
 * blocks every read, or a folder. Opened here without following a link and without blocking, and
 * accepted only when it is a regular file.
 */
export function openRegularFile(path: string, flags: number): number | undefined {
  let fd: number
  try {
    // eslint-disable-next-line no-bitwise -- open(2) flags
    fd = openSync(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (code === 'ENOENT') return undefined
    if (code === 'ELOOP') throw symlinkRefused(path)

    if (code === 'EISDIR') throw notRegular(path, 'a folder')
    throw error
  }

  const stat = fstatSync(fd)
  if (!stat.isFile()) {
    closeSync(fd)
    throw notRegular(path, stat.isDirectory() ? 'a folder' : (stat.isFIFO() ? 'a FIFO' : 'not a regular file'))
  }

  return fd
}

function notRegular(path: string, what: string): CliError {
  return new CliError('not_a_regular_file', `${path} is ${what}, not a regular file.`, {
    remediation: `Replace it with the file from git: git checkout -- ${JSON.stringify(path)}`,
  })
}

/** Read chunk by chunk, so a huge file never becomes one string; `onChunk` sees each piece in order. */
export function readChunks(fd: number, onChunk: (chunk: Buffer) => void, chunkSize = 1024 * 1024): void {
  const buffer = Buffer.allocUnsafe(chunkSize)
  for (;;) {
    const read = readSync(fd, buffer, 0, chunkSize, null)
    if (read === 0) return
    onChunk(buffer.subarray(0, read))
  }
}

/** A whole regular file (refusing links, FIFOs and folders), or undefined when it does not exist. */
export function readRegularFile(path: string, maxBytes = 64 * 1024 * 1024): Buffer | undefined {
  const fd = openRegularFile(path, constants.O_RDONLY)
  if (fd === undefined) return undefined
  try {
    const {size} = fstatSync(fd)
    if (size > maxBytes) {
      throw new CliError('file_too_large', `${path} is ${size} bytes, more than the ${maxBytes} bytes a mission file may hold.`, {
        remediation: `Check what wrote it (git log -p -- ${JSON.stringify(path)}) and restore it from git.`,
      })
    }

    const chunks: Buffer[] = []
    readChunks(fd, chunk => chunks.push(Buffer.from(chunk)))
    return Buffer.concat(chunks)
  } finally {
    closeSync(fd)
  }
}

const strictUtf8 = new TextDecoder('utf8', {fatal: true, ignoreBOM: true})

/** How a text file was decoded, so that a rewrite gives back the bytes of every untouched line. */
export type TextEncoding = 'latin1' | 'utf8'

/**
 * Decode UTF-8 when the bytes are UTF-8; otherwise as Latin-1, which maps every byte to one
 * character and back, so a file in another encoding survives an edit of its ASCII parts byte for
 * byte instead of turning into U+FFFD. A byte-order mark is kept as text.
 */
export function decodeText(bytes: Uint8Array): {encoding: TextEncoding; text: string} {
  try {
    return {encoding: 'utf8', text: strictUtf8.decode(bytes)}
  } catch {
    return {encoding: 'latin1', text: Buffer.from(bytes).toString('latin1')}
  }
}

export const encodeText = (text: string, encoding: TextEncoding): Buffer => Buffer.from(text, encoding)
