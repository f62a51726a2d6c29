import {SyncFailure} from './sync-diagnostic.js'

/** How long one request may stay unanswered before the attempt counts as offline. */
const ANSWER_TIMEOUT_MS = 10_000
/** Larger answers are not read: no honest answer to a batch of 1000 events comes near it. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024

const OFFLINE_CODES = new Set(['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'])

// eslint-disable-next-line n/no-unsupported-features/node-builtins -- see exchange()
type FetchResponse = Awaited<ReturnType<typeof fetch>>

export interface HttpAnswer {
  /** The answer parsed as JSON; undefined when it is not JSON. */
  json: unknown
  status: number
  text: string
}

export interface HttpRequest {
  body?: string | Uint8Array | URLSearchParams
  headers?: Record<string, string>
  method: 'GET' | 'POST'
}

/**
 * One HTTP exchange with the sync server. Redirects are never followed (they would carry a token to
 * wherever the answer points); every way it can fail is classified here, where the cause is known
 * (D9): unreachable or silent → websocket_offline (upstream's code name for "server unreachable"),
 * cut short by the caller → event_loop_unavailable.
 */
export async function exchange(url: URL, request: HttpRequest, signal: AbortSignal): Promise<HttpAnswer> {
  const silence = AbortSignal.timeout(ANSWER_TIMEOUT_MS)
  let response: FetchResponse
  try {
    // fetch is still labelled experimental in Node 20 but prints no warning and is what 21+ ships as stable.
    // eslint-disable-next-line n/no-unsupported-features/node-builtins
    response = await fetch(url, {...request, redirect: 'manual', signal: AbortSignal.any([signal, silence])})
  } catch (error) {
    throw failureOf(error, url, signal, silence)
  }

  let text: string
  try {
    text = await boundedText(response)
  } catch (error) {
    throw error instanceof SyncFailure ? error : failureOf(error, url, signal, silence)
  }

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }

  return {json, status: response.status, text}
}

function failureOf(error: unknown, url: URL, signal: AbortSignal, silence: AbortSignal): SyncFailure {
  if (signal.aborted) return new SyncFailure('sync.event_loop_unavailable', String(signal.reason ?? 'the final sync ran out of time'), false)
  if (silence.aborted) return new SyncFailure('sync.websocket_offline', `no answer from ${url.host} within ${ANSWER_TIMEOUT_MS / 1000} s`, true)
  // undici wraps the socket error (an AggregateError when several addresses were tried).
  const {cause} = (error as {cause?: {code?: string; errors?: Array<{code?: string}>}})
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? (error as NodeJS.ErrnoException).code ?? ''
  const offline = OFFLINE_CODES.has(code)
  const why = code || (error as Error).message
  return offline ? new SyncFailure('sync.websocket_offline', `cannot reach ${url.host} (${why})`, true) : new SyncFailure('sync.server_error', `the exchange with ${url.host} failed (${why})`, true)
}

async function boundedText(response: FetchResponse): Promise<string> {
  if (!response.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > MAX_ANSWER_BYTES) throw new SyncFailure('sync.server_error', `the server's answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB; not read`, true)
    chunks.push(chunk)
  }

  return Buffer.concat(chunks).toString('utf8')
}

/** A JSON object's string field, or undefined: nothing from a server is trusted to have a shape. */
export function stringField(value: unknown, key: string): string | undefined {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
  return typeof field === 'string' ? field : undefined
}
