import {drainOutbox} from './drain.js'
import {queuedThisInvocation, sessionProblemThisInvocation} from './invocation.js'
import {outboxOf} from './outbox.js'
import {SessionFileError} from './session.js'
import {emitSyncDiagnostic, SyncFailure} from './sync-diagnostic.js'
import {syncFlagOn} from './sync-flag.js'
import {activeSession} from './sync-gate.js'

const ATTEMPTS = 3
const BACKOFF_MS = [250, 750]

let started = false

const budgetMs = (): number => Number(process.env.SPEC_KITTY_SYNC_BUDGET_MS) || 3000

// Backoff sleeps stay ref'd on purpose: nothing else keeps the loop alive between two attempts, so an
// unref'd sleep would let Node exit mid-retry with nothing said. They are bounded by the budget.
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * After every command (postrun, with `finally` as a safety net; idempotent per invocation): send
 * what the outbox holds, with bounded retries inside one time budget. It never writes to stdout and
 * never changes the exit code; if it does not complete it prints exactly one diagnostic line.
 * `bindRuntime` is called only when there is something to send.
 */
export async function finalSync(bindRuntime: () => Promise<unknown>): Promise<void> {
  if (started) return
  started = true
  if (!syncFlagOn()) return
  const problem = sessionProblemThisInvocation()
  if (problem) {
    emitSyncDiagnostic('sync.server_auth_failure', 0, problem)
    return
  }

  // Only a command that queued events sends; `sync now` drains on its own, in one cycle.
  if (queuedThisInvocation() === 0) return
  let session
  try {
    session = activeSession()
  } catch (error) {
    if (error instanceof SessionFileError) emitSyncDiagnostic('sync.server_auth_failure', 0, error.message)
    return
  }

  if (!session) return
  const outbox = outboxOf(session)
  if (outbox.ids().length === 0) return // the fast path: one readdir
  await bindRuntime() // the core's lock and durable write, loaded only now that there is work
  const controller = new AbortController()
  const lock: {release?: () => void} = {}
  // A signal during the flush: stop at once, say so once, exit with the command's own code. Listened
  // for before the drain lock is taken: a signal sent by whoever sees the lock (it names this process)
  // must never meet the default action, which ends the process with nothing said.
  const onSignal = (signal: NodeJS.Signals) => {
    controller.abort(`${signal} arrived during the final sync`)
    emitSyncDiagnostic('sync.event_loop_unavailable', outbox.ids().length, `${signal} arrived during the final sync`)
    lock.release?.()
    process.exit(process.exitCode ?? 0)
  }

  const stopListening = () => {
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
  }

  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  const release = outbox.tryDrainLock()
  lock.release = release
  if (!release) {
    stopListening()
    emitSyncDiagnostic('sync.final_sync_lock_unavailable', outbox.ids().length, 'another spec-kitty process is sending the queue right now')
    return
  }

  // Unref'd: the deadline only cuts short work that is itself keeping the process alive.
  const deadline = setTimeout(() => controller.abort(`the final sync did not finish within ${budgetMs()} ms`), budgetMs()).unref()
  try {
    let failure: SyncFailure | undefined
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        // eslint-disable-next-line no-await-in-loop -- bounded retries, one after the other
        await drainOutbox(outbox, session, controller.signal)
        failure = undefined
        break
      } catch (error) {
        failure = error instanceof SyncFailure ? error : new SyncFailure('sync.server_error', (error as Error).message, true)
        if (!failure.retryable || attempt === ATTEMPTS || controller.signal.aborted) break
        // eslint-disable-next-line no-await-in-loop
        await sleep(BACKOFF_MS[attempt - 1], controller.signal)
        if (controller.signal.aborted) {
          failure = new SyncFailure('sync.event_loop_unavailable', String(controller.signal.reason), false)
          break
        }
      }
    }

    if (failure) emitSyncDiagnostic(failure.code, outbox.ids().length, failure.message)
  } finally {
    clearTimeout(deadline)
    stopListening()
    release()
  }
}
