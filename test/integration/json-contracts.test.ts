import {expect} from 'chai'

import {createMission} from '../support/missions.js'
import {type CliResult, parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'
import {SyncTestServer} from '../support/sync-server.js'

/** The only document on stdout, with the expected exit code, matching `schemas/<schema>.schema.json`. */
function json(result: CliResult, schema: string, exit = 0): Record<string, unknown> {
  expect(result.code, `${result.stdout}${result.stderr}`).to.equal(exit)
  const document = parseJson(result.stdout)
  assertSchema(schema, document)
  return document
}

/**
 * The outcomes whose shapes no other test pins down: implement, merge --abort, and plugin-sync's
 * auth and sync commands. Each document is the only thing on stdout and matches its schema.
 */
describe('JSON contracts of implement, merge --abort, auth and sync', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let server: SyncTestServer

  before(async () => {
    sandbox = new Sandbox()
    sandbox.initProject()
    server = await new SyncTestServer().listen()
  })

  after(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('implement: created, then reused', () => {
    // The mission branch is its coordination branch, created with the mission; a legacy mission's is created here.
    const {slug} = createMission(sandbox)
    const args = ['implement', 'WP01', '--mission', slug, '--json']
    expect(json(sandbox.cli(args), 'implement')).to.include({mission_branch_created: false, status: 'created'})
    const legacy = createMission(sandbox, undefined, undefined, 'legacy-widgets', {legacy: true})
    expect(json(sandbox.cli(['implement', 'WP01', '--mission', legacy.slug, '--json']), 'implement')).to.include({mission_branch_created: true, status: 'created'})
    expect(json(sandbox.cli(args), 'implement')).to.deep.include({event_ids: [], status: 'reused'})
    expect(json(sandbox.cli(['merge', '--mission', slug, '--abort', '--json']), 'merge-abort')).to.include({had_state: false})
  })

  it('auth and sync: logged out, logged in, sync off, sync on and sent, logged out again', async () => {
    const env = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1'}
    expect(json(sandbox.cli(['auth', 'status', '--json']), 'auth-status')).to.deep.equal({logged_in: false})
    expect(json(sandbox.cli(['sync', 'status', '--json']), 'sync-status')).to.include({enabled: false, flag: false})
    const disabled = json(sandbox.cli(['sync', 'now', '--json']), 'error', 1)
    expect(disabled.error).to.include({code: 'sync_disabled'})
    const login = json(await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token', 'good-token', '--json']), 'auth-status')
    expect(JSON.stringify(login)).not.to.contain('good-token')
    expect(json(sandbox.cli(['auth', 'status', '--json']), 'auth-status')).to.include({logged_in: true, refreshable: false})
    // The final sync of create delivers its event; sync now then finds the queue empty.
    const created = await sandbox.cliAsync(['agent', 'mission', 'create', 'synced', '--json'], {env})
    expect(created.code, created.stderr).to.equal(0)
    expect(server.received.map(envelope => envelope.event_type)).to.include('FeatureCreated')
    expect(json(sandbox.cli(['sync', 'status', '--json'], {env}), 'sync-status')).to.include({enabled: true, queue_depth: 0})
    const drained = json(await sandbox.cliAsync(['sync', 'now', '--json'], {env}), 'sync-now')
    expect(drained).to.deep.equal({
      queue_depth: 0, rejected: 0, sent: 0, set_aside: 0,
    })
    expect(json(sandbox.cli(['auth', 'logout', '--json']), 'auth-logout')).to.deep.equal({logged_out: true})
    expect(json(sandbox.cli(['auth', 'logout', '--json']), 'auth-logout')).to.deep.equal({logged_out: false})
  })
})
