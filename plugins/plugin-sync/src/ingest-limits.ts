import {mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Session} from './session.js'

import {exchange} from './http.js'
import {runtime} from './runtime.js'
import {stateDir} from './sync-paths.js'

/** The contract's ceiling per request. */
export const MAX_BATCH_EVENTS = 1000
/** Upstream's default request budget (90 % of 256 KiB) and its hard cap (512 KiB), before gzip. */
const DEFAULT_BATCH_BYTES = Math.floor(262_144 * 0.9)
const MAX_BATCH_BYTES = 524_288
/** Limits are asked again after an hour. */
const FRESH_MS = 3_600_000

export interface IngestLimits {
  maxBytes: number
  maxEvents: number
}

export const DEFAULT_LIMITS: IngestLimits = {maxBytes: DEFAULT_BATCH_BYTES, maxEvents: MAX_BATCH_EVENTS}

const positiveInt = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined)

/** Limits a health answer advertises (`sync_ingress.limits`), bounded by the contract's own. */
export function advertisedLimits(body: unknown): IngestLimits {
  const limits = ((body as {sync_ingress?: {limits?: Record<string, unknown>}} | undefined)?.sync_ingress?.limits) ?? {}
  const events = positiveInt(limits.max_events_per_batch)
  const bytes = positiveInt(limits.max_request_bytes)
  return {
    maxBytes: bytes === undefined ? DEFAULT_BATCH_BYTES : Math.min(Math.floor(bytes * 0.9), MAX_BATCH_BYTES),
    maxEvents: Math.min(events ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS),
  }
}

/**
 * The server's batch limits from `GET /api/v1/sync/health/`, cached for an hour per server. A server
 * without the endpoint, or one that cannot be asked right now, gets the defaults: the batch request
 * itself then says what is wrong.
 */
export async function ingestLimits(session: Session, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<IngestLimits> {
  const cache = join(stateDir(env), 'ingest-limits', `${encodeURIComponent(session.server)}.json`)
  try {
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as {fetched_at: number; limits: IngestLimits}
    if (Date.now() - cached.fetched_at < FRESH_MS) return {maxBytes: positiveInt(cached.limits.maxBytes) ?? DEFAULT_BATCH_BYTES, maxEvents: positiveInt(cached.limits.maxEvents) ?? MAX_BATCH_EVENTS}
  } catch {
    // not asked yet
  }

  let limits = DEFAULT_LIMITS
  try {
    const answer = await exchange(new URL('/api/v1/sync/health/', session.server), {headers: {accept: 'application/json', authorization: `Bearer ${session.access_token}`}, method: 'GET'}, signal)
    if (answer.status === 200) limits = advertisedLimits(answer.json)
    else if (answer.status !== 404) return DEFAULT_LIMITS // a server error now says nothing about the limits: ask again next time
  } catch {
    return DEFAULT_LIMITS
  }

  mkdirSync(join(stateDir(env), 'ingest-limits'), {recursive: true})
  runtime().writeFileAtomic(cache, JSON.stringify({fetched_at: Date.now(), limits}) + '\n')
  return limits
}
