import {readFileSync, readlinkSync} from 'node:fs'
import {hostname} from 'node:os'

import {isAlive} from './process-alive.js'

/**
 * Who a process is, beyond its pid: a pid means nothing in another PID namespace (containers
 * sharing a checkout) and is reused after its process dies (pid 1 in every container). Lock files
 * and temp-file names carry this, so liveness is judged only where it can be judged.
 */
export interface ProcessIdentity {
  /** The kernel's boot id: differs after a reboot, when every holder of a lock is gone. */
  boot: string
  host: string
  pid: number
  /** The pid namespace, `pid:[4026531836]` as /proc shows it; '' where /proc is absent. */
  pidNs: string
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); '' if unknown. */
  start: string
}

const readOr = (read: () => string, fallback: string): string => {
  try {
    return read()
  } catch {
    return fallback
  }
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
function startTime(pid: number | 'self'): string {
  return readOr(() => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''
  }, '')
}

let self: ProcessIdentity | undefined

export function selfIdentity(): ProcessIdentity {
  self ??= {
    boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), ''),
    host: hostname(),
    pid: process.pid,
    pidNs: readOr(() => readlinkSync('/proc/self/ns/pid'), ''),
    start: startTime('self'),
  }
  return self
}

/**
 * Whether the process `other` names is still running, as far as this process can tell: `unknown`
 * for a process of another host or PID namespace (its pid cannot be looked up from here); `dead`
 * after a reboot, or when its pid is gone or now belongs to a process that started at another time.
 */
export function liveness(other: Partial<ProcessIdentity>): 'alive' | 'dead' | 'unknown' {
  const me = selfIdentity()
  if (!Number.isInteger(other.pid) || other.pid! <= 0) return 'unknown'
  if (other.host !== undefined && other.host !== me.host) return 'unknown'
  if (other.boot && me.boot && other.boot !== me.boot) return 'dead'
  if (other.pidNs !== undefined && other.pidNs !== me.pidNs) return 'unknown'
  if (!isAlive(other.pid!)) return 'dead'
  if (other.start && me.start) return startTime(other.pid!) === other.start ? 'alive' : 'dead'
  return 'alive'
}

/** The identity as one line of `key=value` pairs (lock files), and back. */
export function formatIdentity(identity: ProcessIdentity): string {
  return `pid=${identity.pid} start=${identity.start} boot=${identity.boot} pidns=${identity.pidNs} host=${encodeURIComponent(identity.host)}`
}

export function parseIdentity(line: string): Partial<ProcessIdentity> {
  const fields = Object.fromEntries(line.trim().split(' ').map(pair => {
    const at = pair.indexOf('=')
    return at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)]
  }))
  return {
    boot: fields.boot,
    host: fields.host === undefined ? undefined : readOr(() => decodeURIComponent(fields.host), fields.host),
    pid: fields.pid === undefined ? undefined : Number(fields.pid),
    pidNs: fields.pidns,
    start: fields.start,
  }
}

/** A short stable tag of this process's pid namespace, for temp-file names. */
export function pidNsTag(): string {
  return /\[(\d+)]/.exec(selfIdentity().pidNs)?.[1] ?? '0'
}
