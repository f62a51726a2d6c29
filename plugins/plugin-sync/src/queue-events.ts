import type {LifecycleEvent} from 'spec-kitty/api'

import {buildEnvelopes} from './envelope.js'
import {eventSource} from './event-source.js'
import {noteQueued, noteSessionProblem} from './invocation.js'
import {outboxOf} from './outbox.js'
import {bindRuntime} from './runtime.js'
import {emitSyncDiagnostic} from './sync-diagnostic.js'
import {activeSession} from './sync-gate.js'

/**
 * Queue the command's events durably; the final sync sends them after the command. A project
 * without `project.uuid` keeps its events local (the service files events by project): nothing is
 * queued, and `sync status` says why.
 */
export async function queueEvents(config: object, events: LifecycleEvent[]): Promise<void> {
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
    const byProject = new Map<string, typeof events>()
    for (const event of events) byProject.set(event.projectRoot, [...(byProject.get(event.projectRoot) ?? []), event])
    const outbox = outboxOf(session)
    for (const [root, projectEvents] of byProject) {
      // eslint-disable-next-line no-await-in-loop -- in practice one project per invocation
      const source = await eventSource(root, session)
      if (source.project_uuid === '') continue
      const envelopes = buildEnvelopes(projectEvents, source)
      outbox.append(envelopes)
      noteQueued(envelopes.length)
    }
  } catch (error) {
    emitSyncDiagnostic('sync.outbox_unavailable', 0, `the events of this command could not be queued: ${(error as Error).message}`)
  }
}
