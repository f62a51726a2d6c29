import {
  mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
} from 'node:fs'
import {join} from 'node:path'

import type {EventEnvelope} from './envelope.js'

import {printable} from './printable.js'
import {runtime} from './runtime.js'
import {type Session, sessionAccount} from './session.js'
import {outboxDir} from './sync-paths.js'

const EVENT_FILE = /^[0-9A-HJKMNP-TV-Z]{26}\.json$/
const REJECTIONS = '.rejections'
const SET_ASIDE = 'set-aside'
/** A rejection this many times over sets the event aside. */
export const MAX_REJECTIONS = 5

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

  /** The server took it (or already had it): the event and its rejection record go. */
  remove(id: string): void {
    rmSync(this.file(id), {force: true})
    rmSync(this.file(id, REJECTIONS), {force: true})
  }

  /**
   * The server rejected the event: it stays queued, with the reason and how many times. After
   * MAX_REJECTIONS it is set aside, so one bad event cannot keep failing every final sync.
   */
  noteRejection(id: string, reason: string): number {
    const count = (this.rejection(id)?.retry_count ?? 0) + 1
    if (count >= MAX_REJECTIONS) {
      this.setAside(id, `rejected ${count} times; last reason: ${reason}`)
    } else {
      runtime().writeFileAtomic(this.file(id, REJECTIONS), JSON.stringify({at: new Date().toISOString(), reason: printable(reason, 2000), retry_count: count}) + '\n')
    }

    return count
  }

  rejection(id: string): undefined | {reason: string; retry_count: number} {
    try {
      const record = JSON.parse(readFileSync(this.file(id, REJECTIONS), 'utf8')) as {reason?: unknown; retry_count?: unknown}
      return {reason: String(record.reason ?? ''), retry_count: Number(record.retry_count) || 0}
    } catch {
      return undefined
    }
  }

  /** Queued events the server has rejected at least once, with reason and count. */
  rejected(): Array<{event_id: string; reason: string; retry_count: number}> {
    return this.ids().flatMap(id => {
      const record = this.rejection(id)
      return record ? [{event_id: id, ...record}] : []
    })
  }

  /** Take an event out of the drain order for good, with the reason; `sync status` lists it. */
  setAside(id: string, reason: string): void {
    const dir = join(this.dir, SET_ASIDE)
    mkdirSync(dir, {recursive: true})
    runtime().writeFileAtomic(join(dir, `${id}.reason`), `${printable(reason, 2000)}\n`)
    renameSync(this.file(id), join(dir, `${id}.json`))
    rmSync(this.file(id, REJECTIONS), {force: true})
  }

  setAsideEvents(): Array<{event_id: string; reason: string}> {
    const dir = join(this.dir, SET_ASIDE)
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return []
    }

    return names.filter(name => EVENT_FILE.test(name)).sort().map(name => {
      const id = name.slice(0, 26)
      let reason = ''
      try {
        reason = readFileSync(join(dir, `${id}.reason`), 'utf8').trim()
      } catch {
        // a reason lost with a crash between the two writes: the event itself is kept
      }

      return {event_id: id, reason}
    })
  }

  /** An event's file; the id must be a ULID, so no value from anywhere can name another path. */
  private file(id: string, extension = '.json'): string {
    if (!EVENT_FILE.test(`${id}.json`)) throw new Error(`not an outbox event id: ${JSON.stringify(id).slice(0, 60)}`)
    return join(this.dir, `${id}${extension}`)
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

/** The outbox of a session's identity (server, user, team). */
export const outboxOf = (session: Session, env: NodeJS.ProcessEnv = process.env): Outbox => new Outbox(outboxDir(session.server, sessionAccount(session), env))
