import {expect} from 'chai'
import {
  existsSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {outboxDir} from '../../plugins/plugin-sync/src/sync-paths.js'
import {createMission} from './missions.js'
import {Sandbox} from './sandbox.js'
import {SyncTestServer} from './sync-server.js'

export interface SyncSandbox {
  /** Sync on, with a short final-sync budget so that fault tests stay quick. */
  env: NodeJS.ProcessEnv
  sandbox: Sandbox
  server: SyncTestServer
  slug: string
}

/** A project with one two-WP mission, a loopback sync server, and a session logged in to it. */
export async function syncSandbox(): Promise<SyncSandbox> {
  const sandbox = new Sandbox()
  sandbox.initProject()
  const {slug} = createMission(sandbox)
  const server = await new SyncTestServer().listen()
  expect(sandbox.cli(['auth', 'login', '--server', server.url, '--token', 'good-token']).code).to.equal(0)
  return {
    env: {SPEC_KITTY_ENABLE_SAAS_SYNC: '1', SPEC_KITTY_SYNC_BUDGET_MS: '2500'}, sandbox, server, slug,
  }
}

export const sessionFile = (sandbox: Sandbox): string => join(String(sandbox.env.SPEC_KITTY_CONFIG_DIR), 'session.json')

/** Make the stored access token expired, with a refresh token the server accepts. */
export function expireSession(sandbox: Sandbox): void {
  const session = JSON.parse(readFileSync(sessionFile(sandbox), 'utf8'))
  writeFileSync(sessionFile(sandbox), JSON.stringify({...session, expires_at: '2020-01-01T00:00:00.000Z', refresh_token: 'good-refresh'}), {mode: 0o600})
}

/** The event files queued for the server's outbox. */
export function queuedEvents(sandbox: Sandbox, server: SyncTestServer): string[] {
  const dir = outboxDir(server.url, 'default', sandbox.env)
  return existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.json')) : []
}
