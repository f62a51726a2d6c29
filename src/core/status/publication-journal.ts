import {randomBytes} from 'node:crypto'
import {
  mkdirSync, readdirSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import {join} from 'node:path'

import type {StatusEvent} from './status-event.js'

import {writeFileAtomic} from '../io/atomic-write.js'
import {isSafeSegment} from '../io/confine.js'
import {liveness, pidNsTag} from '../io/process-identity.js'
import {resolveMission} from '../mission/mission-handle.js'
import {sharedStateDir} from '../mission/mission-lock.js'
import {readEventLog} from './event-log.js'

/**
 * Appending an event to the log and handing it to the lifecycle hook (plugin-sync's outbox) are two
 * steps, and a crash between them would lose the hand-over for good. So the events are journaled
 * first, one file per invocation, and the journal is removed once the hook has them. A journal whose
 * writer died is replayed by the next command that publishes: its events that reached the log are
 * handed over then, the others never happened. The hook must tolerate a repeat (the outbox names an
 * envelope after its event, so it does).
 */
const JOURNAL = /^(.+)\.(\d+)\.(\d+)-[\da-f]{8}\.json$/
/** Any journal older than this is replayed whoever wrote it: no command runs that long. */
const ABANDONED_MS = 10 * 60_000

interface JournalFile {
  events: StatusEvent[]
  mission_slug: string
}

const journalDir = (root: string): string => join(sharedStateDir(root), 'spec-kitty-publish')

/** This process's journals, removed once their events were handed over. */
const written: string[] = []

/** Journal events about to be appended to a mission's log (the caller holds the mission lock). */
export function journalEvents(root: string, missionSlug: string, events: readonly StatusEvent[]): void {
  if (events.length === 0) return
  const dir = journalDir(root)
  mkdirSync(dir, {recursive: true})
  const path = join(dir, `${missionSlug}.${process.pid}.${pidNsTag()}-${randomBytes(4).toString('hex')}.json`)
  writeFileAtomic(path, JSON.stringify({events: [...events], mission_slug: missionSlug} satisfies JournalFile) + '\n')
  written.push(path)
}

/** After the hook took this invocation's events: its journals are done. */
export function clearOwnJournals(): void {
  for (const path of written.splice(0)) rmSync(path, {force: true})
}

function abandoned(dir: string, name: string, pid: string, ns: string): boolean {
  if (ns === pidNsTag() && liveness({pid: Number(pid)}) === 'dead') return true
  try {
    return Date.now() - statSync(join(dir, name)).mtimeMs > ABANDONED_MS
  } catch {
    return false
  }
}

/**
 * The events of journals whose writers died, limited to those that reached their mission's log, in
 * log order per mission. Each journal is removed by `done()`, after the caller handed them over.
 */
export function orphanedEvents(root: string): {done: () => void; missions: Array<{dir: string; events: StatusEvent[]; missionSlug: string}>} {
  const dir = journalDir(root)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return {done() {}, missions: []}
  }

  const orphans = names.flatMap(name => {
    const match = JOURNAL.exec(name)
    return match && abandoned(dir, name, match[2], match[3]) ? [join(dir, name)] : []
  })
  const settled: string[] = []
  const bySlug = new Map<string, {events: StatusEvent[]; paths: string[]}>()
  for (const path of orphans) {
    try {
      const journal = JSON.parse(readFileSync(path, 'utf8')) as JournalFile
      if (!isSafeSegment(journal.mission_slug) || !Array.isArray(journal.events)) throw new Error('not a journal')
      const entry = bySlug.get(journal.mission_slug) ?? {events: [], paths: []}
      entry.events.push(...journal.events)
      entry.paths.push(path)
      bySlug.set(journal.mission_slug, entry)
    } catch {
      settled.push(path) // unreadable or not a journal: nothing can be replayed from it
    }
  }

  const missions: Array<{dir: string; events: StatusEvent[]; missionSlug: string}> = []
  for (const [missionSlug, {events, paths}] of bySlug) {
    let inLog: Set<string>
    let missionDir: string
    try {
      // Where the mission's log lives now: its coordination worktree's copy, if it has one.
      missionDir = resolveMission(root, missionSlug).dir
      inLog = new Set(readEventLog(missionDir).map(record => record.eventId))
    } catch {
      continue // an unreadable log: keep the journal until the log can be read again
    }

    settled.push(...paths)
    const reached = events.filter(event => inLog.has(event.event_id))
    if (reached.length > 0) missions.push({dir: missionDir, events: reached, missionSlug})
  }

  return {
    done() {
      for (const path of settled) rmSync(path, {force: true})
    },
    missions,
  }
}
