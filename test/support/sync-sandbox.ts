import {expect} from 'chai'
import {
  existsSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {outboxDir} from '../../plugins/plugin-sync/src/sync-paths.js'
import {createMission} from './missions.js'
import {Sandbox} from './sandbox.js'
import {SyncTestServer, TEST_USER} from './sync-server.js'

export interface SyncSandbox {
  /** Sync on, with a short final-sync budget so that fault tests stay quick. */
  env: NodeJS.ProcessEnv
  sandbox: Sandbox
  server: SyncTestServer
  slug: string
}

/** A project with one two-WP mission, a loopback contract server, and a session logged in to it. */
export async function syncSandbox(): Promise<SyncSandbox> {
  const sandbox = new Sandbox()
  sandbox.initProject()
  const {slug} = createMission(sandbox)
  const server = await new SyncTestServer().listen()
  const login = await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token-stdin', '--json'], {input: 'good-token\ngood-refresh\n'})
  expect(login.code, login.stdout + login.stderr).to.equal(0)
  return {
    env: {SPEC_KITTY_ENABLE_SAAS_SYNC: '1', SPEC_KITTY_SYNC_BUDGET_MS: '2500'}, sandbox, server, slug,
  }
}

export const sessionFile = (sandbox: Sandbox): string => join(String(sandbox.env.SPEC_KITTY_CONFIG_DIR), 'session.json')

/** Make the stored access token expired; its refresh token stays whatever the server last issued. */
export function expireSession(sandbox: Sandbox): void {
  const session = JSON.parse(readFileSync(sessionFile(sandbox), 'utf8'))
  writeFileSync(sessionFile(sandbox), JSON.stringify({...session, access_expires_at: '2020-01-01T00:00:00.000Z'}), {mode: 0o600})
}

/** The outbox of the sandbox's session (the test user on the server's first team). */
export const sandboxOutbox = (sandbox: Sandbox, server: SyncTestServer, team = server.teams[0]): string => outboxDir(server.url, `${TEST_USER.email}|${team}`, sandbox.env)

/** The event files queued for the server. */
export function queuedEvents(sandbox: Sandbox, server: SyncTestServer): string[] {
  const dir = sandboxOutbox(sandbox, server)
  return existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.json')) : []
}
