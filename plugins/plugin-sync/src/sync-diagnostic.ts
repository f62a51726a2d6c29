/**
 * The one stderr line a failed final sync may print (ARCHITECTURE §7). Codes are decided where the
 * failure happens (SyncFailure), never by searching error text.
 */
export const SYNC_DIAGNOSTIC_CODES = [
  'sync.auth_refresh_in_progress',
  'sync.event_loop_unavailable',
  'sync.final_sync_lock_unavailable',
  'sync.outbox_unavailable',
  'sync.server_auth_failure',
  'sync.server_error',
  'sync.websocket_offline',
] as const

export type SyncDiagnosticCode = (typeof SYNC_DIAGNOSTIC_CODES)[number]

/** A classified failure, thrown where it happens. */
export class SyncFailure extends Error {
  constructor(
    readonly code: SyncDiagnosticCode,
    message: string,
    /** Whether another attempt could succeed (an auth failure will not). */
    readonly retryable: boolean,
  ) {
    super(message)
    this.name = 'SyncFailure'
  }
}

let emitted = false

/** At most one line per invocation, whatever happens after: the first failure signal wins. */
export function emitSyncDiagnostic(code: SyncDiagnosticCode, queued: number, reason: string): void {
  if (emitted) return
  emitted = true
  const oneLine = reason.replaceAll(/\s+/g, ' ').trim()
  process.stderr.write(`sync_diagnostic severity=warning diagnostic_code=${code} fatal=false sync_phase=final_sync queued=${queued} message=Local change saved; ${queued} event(s) queued, not yet sent: ${oneLine}\n`)
}
