import type {CommandResult} from 'spec-kitty/api'

import {drainOutbox} from '../../drain.js'
import {outboxOf} from '../../outbox.js'
import {PluginCommand} from '../../plugin-command.js'
import {runtime} from '../../runtime.js'
import {SyncFailure} from '../../sync-diagnostic.js'
import {requireSyncSession} from '../../sync-gate.js'

export default class SyncNow extends PluginCommand {
  static description = `Sends every queued event now (POST /api/v1/events/batch/, in order, in batches the server accepts) and waits for the server's word on each. Its exit code is the truth about sync: 0 when the queue is empty afterwards, 1 (with the reason) when events remain.

A rejected event stays queued with the server's reason and a retry count; after 5 rejections, or when it is too large for the server even on its own, it is set aside. spec-kitty sync status lists both.`
  static examples = ['<%= config.bin %> sync now', '<%= config.bin %> sync now --json']
  static summary = 'Drain the sync queue now.'

  protected async execute(): Promise<CommandResult> {
    await this.parseInput(SyncNow)
    const session = requireSyncSession()
    const outbox = outboxOf(session)
    const release = outbox.tryDrainLock()
    if (!release) throw runtime().error('sync.final_sync_lock_unavailable', 'Another spec-kitty process is sending the queue right now.', {remediation: 'Run sync now again in a moment.'})
    const tty = process.stderr.isTTY
    try {
      const result = await drainOutbox(outbox, session, AbortSignal.timeout(60_000), tty ? (sent, total) => process.stderr.write(`\rsent ${sent}/${total}`) : undefined)
      if (tty) process.stderr.write('\n')
      const remaining = outbox.ids().length
      // The exit code is the truth about the queue: anything left (an unreadable file, one queued
      // meanwhile) means this run did not finish the job.
      if (remaining > 0) {
        return {
          document: {error: {code: 'sync.events_remaining', message: `${remaining} event(s) are still queued after sending ${result.sent}.`, remediation: `Run spec-kitty sync now again; if the count does not go down, inspect ${outbox.dir}.`}, queue_depth: remaining},
          exitCode: 1,
          human: [`Sent ${result.sent} event(s); ${remaining} event(s) are still queued.`],
        }
      }

      return {
        document: {
          queue_depth: 0, rejected: result.rejected, sent: result.sent, set_aside: result.setAside,
        }, exitCode: 0, human: [`Sent ${result.sent} event(s); the queue is empty.`],
      }
    } catch (error) {
      if (!(error instanceof SyncFailure)) throw error
      const remaining = outbox.ids().length
      return {
        document: {error: {code: error.code, message: error.message, remediation: 'Fix the cause, then run spec-kitty sync now again; queued events are kept (spec-kitty sync status shows the reasons).'}, queue_depth: remaining},
        exitCode: 1,
        human: [`Sync incomplete: ${error.message}. ${remaining} event(s) stay queued.`],
      }
    } finally {
      release()
    }
  }
}
