import {monotonicFactory} from 'ulid'

const nextUlid = monotonicFactory()

/** A fresh ULID, strictly increasing within this process (events written in one batch keep order). */
export function newUlid(): string {
  return nextUlid()
}

let lastMicros = 0n

/**
 * Now as microseconds since the epoch, strictly increasing within the process, so that events
 * written in one batch are 1 µs apart like upstream's and never share an `at`.
 */
export function nowMicros(): bigint {
  const wall = (BigInt(Date.now()) * 1000n) + ((process.hrtime.bigint() / 1000n) % 1000n)
  lastMicros = wall > lastMicros ? wall : lastMicros + 1n
  return lastMicros
}

/**
 * Python's `datetime.now(timezone.utc).isoformat()`: `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, with the
 * fraction omitted when it is zero. Event order compares these strings, so the spelling matters.
 */
export function pythonIsoTimestamp(micros: bigint = nowMicros()): string {
  const millis = Number(micros / 1000n)
  const fraction = Number(micros % 1_000_000n)
  const base = new Date(millis).toISOString().slice(0, 19)
  return fraction === 0 ? `${base}+00:00` : `${base}.${String(fraction).padStart(6, '0')}+00:00`
}
