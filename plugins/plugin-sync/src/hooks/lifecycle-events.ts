import type {LifecycleEventsHook} from 'spec-kitty/api'

import {buildEnvelopes} from '../envelope.js'
import {noteQueued, noteSessionProblem} from '../invocation.js'
import {Outbox} from '../outbox.js'
import {bindRuntime} from '../runtime.js'
import {emitSyncDiagnostic} from '../sync-diagnostic.js'
import {activeSession} from '../sync-gate.js'
import {outboxDir} from '../sync-paths.js'

/** Queue the command's events durably; the final sync sends them after the command. */
const hook: LifecycleEventsHook = async ({config, events}) => {
  let session
  try {
    session = activeSession()
  } catch (error) {
    noteSessionProblem((error as Error).message) // reported once by the final sync
    return
  }

  if (!session) return
  try {
    await bindRuntime(config)
    const envelopes = buildEnvelopes(events)
    new Outbox(outboxDir(session.server, session.account)).append(envelopes)
    noteQueued(envelopes.length)
  } catch (error) {
    emitSyncDiagnostic('sync.outbox_unavailable', 0, `the events of this command could not be queued: ${(error as Error).message}`)
  }
}

export default hook
