import type {CommandResult} from 'spec-kitty/api'

import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Outbox} from '../../outbox.js'
import {PluginCommand} from '../../plugin-command.js'
import {readSession} from '../../session.js'
import {syncFlagOn} from '../../sync-gate.js'
import {outboxDir, stateDir} from '../../sync-paths.js'

export default class SyncStatus extends PluginCommand {
  static description = 'Whether sync is on (SPEC_KITTY_ENABLE_SAAS_SYNC and a login), the server and account, how many events are queued, the oldest queued event and the last successful sync.'
  static examples = ['<%= config.bin %> sync status --json']
  static summary = 'Show sync state and queue depth.'

  protected async execute(): Promise<CommandResult> {
    await this.parseInput(SyncStatus)
    const session = readSession()
    const outbox = session ? new Outbox(outboxDir(session.server, session.account)) : undefined
    let lastSuccess: null | string = null
    try {
      lastSuccess = (JSON.parse(readFileSync(join(stateDir(), 'last-sync.json'), 'utf8')) as {at: string}).at
    } catch {
      // never synced
    }

    const document = {
      account: session?.account ?? null,
      enabled: syncFlagOn() && session !== undefined,
      flag: syncFlagOn(),
      last_success_at: lastSuccess,
      oldest_event_at: outbox?.oldestQueuedAt() ?? null,
      queue_depth: outbox?.ids().length ?? 0,
      server: session?.server ?? null,
    }
    const state = document.enabled ? 'on' : (document.flag ? 'off (not logged in: spec-kitty auth login)' : 'off (SPEC_KITTY_ENABLE_SAAS_SYNC is not set)')
    return {document, exitCode: 0, human: [`Sync: ${state}`, `Queued: ${document.queue_depth}${document.oldest_event_at ? ` (oldest ${document.oldest_event_at})` : ''}`, `Last success: ${lastSuccess ?? 'never'}`]}
  }
}
