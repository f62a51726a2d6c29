import type {CommandResult} from 'spec-kitty/api'

import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {outboxOf} from '../../outbox.js'
import {PluginCommand} from '../../plugin-command.js'
import {runtime} from '../../runtime.js'
import {readSession} from '../../session.js'
import {syncFlagOn} from '../../sync-flag.js'
import {stateDir} from '../../sync-paths.js'

/** Why the current project's events stay on this machine, or null when they go to the server. */
function localOnlyReason(): null | string {
  const root = runtime().findProjectRoot(process.cwd())
  if (root === undefined) return null
  try {
    const uuid = (runtime().readProjectConfig(root).project as undefined | {uuid?: unknown})?.uuid
    if (typeof uuid === 'string' && uuid !== '') return null
    return `${join(root, '.kittify', 'config.yaml')} has no project.uuid, so this project's events stay local; add one (project: {uuid: <a UUID v4>}) or run spec-kitty init in a new project`
  } catch (error) {
    return `${join(root, '.kittify', 'config.yaml')} cannot be read (${(error as Error).message}), so this project's events stay local`
  }
}

export default class SyncStatus extends PluginCommand {
  static description = 'Whether sync is on (SPEC_KITTY_ENABLE_SAAS_SYNC and a login), the server, user and team, how many events are queued, the oldest one, the last sync, and the events the server rejected (still queued, with reason and retry count) or that were set aside (with the reason). Says so when the current project keeps its events local (no project.uuid). Contacts no server.'
  static examples = ['<%= config.bin %> sync status --json']
  static summary = 'Show sync state and queue depth.'

  protected async execute(): Promise<CommandResult> {
    await this.parseInput(SyncStatus)
    const session = readSession()
    const outbox = session ? outboxOf(session) : undefined
    let lastSuccess: null | string = null
    try {
      lastSuccess = (JSON.parse(readFileSync(join(stateDir(), 'last-sync.json'), 'utf8')) as {at: string}).at
    } catch {
      // never synced
    }

    const rejected = outbox?.rejected() ?? []
    const setAside = outbox?.setAsideEvents() ?? []
    const localOnly = localOnlyReason()
    const document = {
      enabled: syncFlagOn() && session !== undefined,
      flag: syncFlagOn(),
      last_success_at: lastSuccess,
      local_only_reason: localOnly,
      oldest_event_at: outbox?.oldestQueuedAt() ?? null,
      queue_depth: outbox?.ids().length ?? 0,
      rejected,
      server: session?.server ?? null,
      set_aside: setAside,
      team: session?.team_slug ?? null,
      user: session?.user?.email ?? null,
    }
    const state = document.enabled ? 'on' : (document.flag ? 'off (not logged in: spec-kitty auth login)' : 'off (SPEC_KITTY_ENABLE_SAAS_SYNC is not set)')
    return {
      document,
      exitCode: 0,
      human: [
        `Sync: ${state}${session ? ` — ${session.server}, ${session.user?.email ?? 'token login'}, team ${session.team_slug ?? '(none)'}` : ''}`,
        `Queued: ${document.queue_depth}${document.oldest_event_at ? ` (oldest ${document.oldest_event_at})` : ''}`,
        `Last sync: ${lastSuccess ?? 'never'}`,
        ...(localOnly ? [`Local only: ${localOnly}`] : []),
        ...rejected.map(r => `Rejected ${r.retry_count}×: ${r.event_id}: ${r.reason}`),
        ...setAside.map(r => `Set aside: ${r.event_id}: ${r.reason}`),
      ],
    }
  }
}
