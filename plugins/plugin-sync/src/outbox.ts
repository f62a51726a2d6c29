import {
  mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
} from 'node:fs'
import {join} from 'node:path'

import type {EventEnvelope} from './envelope.js'

import {runtime} from './runtime.js'

const EVENT_FILE = /^[0-9A-HJKMNP-TV-Z]{26}\.json$/

/**
 * The durable outbox: one file per event, written atomically before any network attempt, named by
 * its ULID so a directory listing is the drain order. A file is deleted only after the server acked
 * it. Nothing is ever evicted: a large queue is slow to drain, never silently lost.
 */
export class Outbox {
  constructor(readonly dir: string) {}

  append(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return
    mkdirSync(this.dir, {recursive: true})
    // Durable (fsync before the rename, and of the folder after): a queued event survives a power cut.
    const {writeFileAtomic} = runtime()
    for (const envelope of envelopes) writeFileAtomic(join(this.dir, `${envelope.event_id}.json`), JSON.stringify(envelope))
  }

  /** Queued event ids in drain order (ULID order). */
  ids(): string[] {
    try {
      return readdirSync(this.dir)
      .filter(name => EVENT_FILE.test(name))
      .map(name => name.slice(0, 26))
      .sort()
    } catch {
      return []
    }
  }

  read(id: string): EventEnvelope | undefined {
    try {
      const envelope = JSON.parse(readFileSync(this.file(id), 'utf8')) as EventEnvelope
      // The file name is the id the server will ack: an envelope that says otherwise is not ours.
      return envelope?.event_id === id ? envelope : undefined
    } catch {
      return undefined // drained meanwhile by another process
    }
  }

  remove(id: string): void {
    rmSync(this.file(id), {force: true})
  }

  /** Keep a rejected event in `rejected/` with the server's reason, out of the drain order. */
  reject(id: string, reason: string): void {
    const dir = join(this.dir, 'rejected')
    mkdirSync(dir, {recursive: true})
    runtime().writeFileAtomic(join(dir, `${id}.reason`), `${[...reason].map(c => (c < ' ' || c === '\u007F' ? ' ' : c)).join('').slice(0, 2000)}\n`)
    renameSync(this.file(id), join(dir, `${id}.json`))
  }

  /** An event's file; the id must be a ULID, so no value from anywhere can name another path. */
  private file(id: string): string {
    if (!EVENT_FILE.test(`${id}.json`)) throw new Error(`not an outbox event id: ${JSON.stringify(id).slice(0, 60)}`)
    return join(this.dir, `${id}.json`)
  }

  oldestQueuedAt(): null | string {
    const [first] = this.ids()
    if (!first) return null
    try {
      return statSync(join(this.dir, `${first}.json`)).mtime.toISOString()
    } catch {
      return null
    }
  }

  /** One drainer at a time: the release function, or undefined while a live process drains. */
  tryDrainLock(): (() => void) | undefined {
    mkdirSync(this.dir, {recursive: true})
    return runtime().tryLock(join(this.dir, 'drain.lock'))
  }
}
