import {expect} from 'chai'
import {
  chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {type CliResult, parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'
import {
  expireSession as expireSandboxSession, queuedEvents, sandboxOutbox, sessionFile, syncSandbox,
} from '../support/sync-sandbox.js'
import {SyncTestServer, TEST_USER} from '../support/sync-server.js'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
  .filter(entry => entry.isFile())
  .map(entry => join(entry.parentPath, entry.name))
}

const DIAGNOSTIC = /^sync_diagnostic severity=warning diagnostic_code=(\S+) fatal=false sync_phase=final_sync queued=(\d+) message=Local change saved; \2 event\(s\) queued, not yet sent: /

/** The #952 contract: exit 0, stdout one JSON document, stderr at most one clean diagnostic line. */
function assertCleanSuccess(result: CliResult, expectedCode: null | string): void {
  expect(result.code, result.stderr).to.equal(0)
  expect(parseJson(result.stdout)).not.to.have.property('error')
  expect(result.stdout).not.to.contain('sync_diagnostic')
  const all = result.stdout + result.stderr
  expect(all).not.to.contain('Connection failed')
  expect(all).not.to.contain('\u001B[') // no colour, no red prefix
  expect(all).not.to.match(/good-token|good-refresh|access-[0-9a-f]{16}|refresh-[0-9a-f]{16}/)
  const lines = result.stderr.split('\n').filter(line => line.startsWith('sync_diagnostic'))
  expect(result.stderr.split('\n').filter(Boolean), 'stderr holds nothing but the diagnostic').to.have.length(lines.length)
  if (expectedCode === null) {
    expect(lines, result.stderr).to.deep.equal([])
  } else {
    expect(lines, result.stderr).to.have.length(1)
    expect(DIAGNOSTIC.exec(lines[0])?.[1], lines[0]).to.equal(expectedCode)
  }
}

const lanesOf = (server: SyncTestServer) => server.received.filter(e => e.event_type === 'WPStatusChanged').map(e => [e.aggregate_id, (e.payload as {to_lane: string}).to_lane])

describe('plugin-sync: the hosted batch contract, and a final sync that never pollutes a successful command', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let server: SyncTestServer
  let slug: string
  let env: NodeJS.ProcessEnv

  const expireSession = () => expireSandboxSession(sandbox)
  const queued = () => queuedEvents(sandbox, server)
  const syncStatus = () => parseJson(sandbox.cli(['sync', 'status', '--json'], {env}).stdout)

  // Async: a blocking spawnSync would freeze this process, and with it the in-process server.
  const move = (to: string, extraEnv: NodeJS.ProcessEnv = {}, wp = 'WP01') => sandbox.cliAsync(['agent', 'tasks', 'move-task', wp, '--to', to, '--mission', slug, '--no-auto-commit', '--json'], {env: {...env, ...extraEnv}})

  beforeEach(async () => {
    ({env, sandbox, server, slug} = await syncSandbox())
  })

  afterEach(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('healthy server: gzip batch with the team header, envelopes per the contract, each event once, outbox empty', async () => {
    const result = await move('claimed')
    assertCleanSuccess(result, null)
    expect(queued()).to.deep.equal([])
    expect(server.received.map(e => e.event_type)).to.deep.equal(['WPStatusChanged', 'WPAssigned'])
    expect([...server.arrivals.values()]).to.deep.equal([1, 1])
    const [changed, assigned] = server.received
    const head = sandbox.git(['rev-parse', 'HEAD']).trim()
    const config = readFileSync(join(sandbox.repo, '.kittify', 'config.yaml'), 'utf8')
    expect(changed).to.include({
      aggregate_id: 'WP01', aggregate_type: 'WorkPackage', git_branch: sandbox.git(['branch', '--show-current']).trim(), head_commit_sha: head, schema_version: '3.0.0', team_slug: 'team-a',
    })
    expect(config).to.contain(String(changed.project_uuid))
    expect(changed.payload).to.deep.equal({
      actor: 'user', feature_slug: slug, from_lane: 'planned', to_lane: 'claimed', wp_id: 'WP01',
    })
    expect(assigned.payload).to.deep.equal({agent_id: 'user', phase: 'implementation', wp_id: 'WP01'})
    expect(changed.causation_id).to.equal((parseJson(result.stdout).event_ids as string[])[0])
    expect(changed.event_id).not.to.equal(assigned.event_id)
    expect(server.batches).to.deep.equal([{events: 2, status: 200}])
  })

  it('every event type the CLI emits is valid against the contract schema, in order, with increasing clocks', async () => {
    const created = await sandbox.cliAsync(['agent', 'mission', 'create', 'other-widgets', '--json'], {env})
    assertCleanSuccess(created, null)
    const other = String(parseJson(created.stdout).mission_slug)
    sandbox.write(`kitty-specs/${other}/tasks.md`, '# Tasks\n\n## WP01: Setup\n\n- [ ] T001 Schema\n\n## WP02: Docs\n\nDepends on WP01\n\n- [ ] T002 Docs\n')
    assertCleanSuccess(await sandbox.cliAsync(['agent', 'mission', 'finalize-tasks', '--mission', other, '--json'], {env}), null)
    assertCleanSuccess(await sandbox.cliAsync(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', other, '--no-auto-commit', '--json'], {env}), null)
    const to = (lane: string) => sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP01', '--to', lane, '--mission', other, '--no-auto-commit', '--force', '--note', 'test', '--done-override-reason', 'test', '--json'], {env})
    for (const lane of ['in_review', 'done']) assertCleanSuccess(await to(lane), null) // eslint-disable-line no-await-in-loop
    expect(server.received.map(e => e.event_type)).to.deep.equal([
      'FeatureCreated', 'WPCreated', 'WPCreated', 'HistoryAdded', 'WPStatusChanged', 'WPAssigned', 'WPStatusChanged', 'DependencyResolved',
    ])
    for (const envelope of server.received) assertSchema('event-envelope', envelope)
    const byType = new Map(server.received.map(e => [e.event_type, e]))
    expect(byType.get('FeatureCreated')).to.include({aggregate_id: other, aggregate_type: 'Feature'})
    expect(byType.get('FeatureCreated')!.payload).to.include({feature_slug: other, wp_count: 0})
    expect(server.received.filter(e => e.event_type === 'WPCreated').map(e => e.payload)).to.deep.equal([
      {
        dependencies: [], feature_slug: other, title: 'Setup', wp_id: 'WP01',
      },
      {
        dependencies: ['WP01'], feature_slug: other, title: 'Docs', wp_id: 'WP02',
      },
    ])
    expect(byType.get('HistoryAdded')!.payload).to.include({entry_type: 'note', wp_id: 'WP01'})
    expect(byType.get('WPAssigned')!.payload).to.deep.equal({agent_id: 'user', phase: 'review', wp_id: 'WP01'})
    expect(byType.get('DependencyResolved')).to.include({aggregate_id: 'WP02'})
    expect(byType.get('DependencyResolved')!.payload).to.deep.equal({dependency_wp_id: 'WP01', resolution_type: 'completed', wp_id: 'WP02'})
    const clocks = server.received.map(e => Number(e.lamport_clock))
    expect(clocks).to.deep.equal([...clocks].sort((a, b) => a - b))
    expect(new Set(clocks).size).to.equal(clocks.length)
  })

  it('401 on the batch: refreshed once, the batch sent again, delivered; the refresh token rotates', async () => {
    server.faultQueue.push('401')
    assertCleanSuccess(await move('claimed'), null)
    expect(server.refreshes).to.equal(1)
    expect(server.batches.map(b => b.status)).to.deep.equal([401, 200])
    expect(server.received).to.have.length(2)
    expect(server.deliveredOnce()).to.equal(true)
    const session = JSON.parse(readFileSync(sessionFile(sandbox), 'utf8'))
    expect(session.refresh_token).to.match(/^refresh-/)
    expect(Date.parse(session.refresh_expires_at) - Date.now()).to.be.within((server.refreshLifetime - 60) * 1000, server.refreshLifetime * 1000)
  })

  it('401 with a dead refresh token: one auth diagnostic naming auth login, the session cleared, no retry count moved', async () => {
    server.fault = '401'
    server.refreshTokens.clear()
    const result = await move('claimed')
    assertCleanSuccess(result, 'sync.server_auth_failure')
    expect(result.stderr).to.contain('spec-kitty auth login')
    expect(existsSync(sessionFile(sandbox))).to.equal(false)
    expect(queued()).to.have.length(2)
    expect(readdirSync(sandboxOutbox(sandbox, server)).filter(f => f.endsWith('.rejections'))).to.deep.equal([])
  })

  it('an expired access token is refreshed before the batch; a refresh token past its stated expiry ends the session without asking', async () => {
    expireSession()
    assertCleanSuccess(await move('claimed'), null)
    expect(server.refreshes).to.equal(1)
    expect(server.batches.map(b => b.status)).to.deep.equal([200])
    const session = JSON.parse(readFileSync(sessionFile(sandbox), 'utf8'))
    writeFileSync(sessionFile(sandbox), JSON.stringify({...session, access_expires_at: '2020-01-01T00:00:00.000Z', refresh_expires_at: '2020-01-02T00:00:00.000Z'}), {mode: 0o600})
    const result = await move('in_progress')
    assertCleanSuccess(result, 'sync.server_auth_failure')
    expect(server.refreshes).to.equal(1)
    expect(existsSync(sessionFile(sandbox))).to.equal(false)
  })

  it('403: one auth diagnostic, the whole batch kept, no retries and no retry counts', async () => {
    server.fault = '403'
    const started = Date.now()
    const result = await move('claimed')
    assertCleanSuccess(result, 'sync.server_auth_failure')
    expect(result.stderr).to.contain('team-a')
    expect(Date.now() - started).to.be.lessThan(4000)
    expect(server.batches).to.have.length(1)
    expect(syncStatus()).to.include({queue_depth: 2})
    expect(syncStatus().rejected).to.deep.equal([])
  })

  for (const [fault, reason] of [['400-list', 'invalid payload'], ['400-json-string', 'unknown lane']] as const) {
    it(`400 with details as ${fault === '400-list' ? 'a list' : 'a JSON string'}: the named event is rejected with its reason and a retry count; the others are sent again and delivered`, async () => {
      server.faultQueue.push(fault)
      const result = await move('claimed')
      assertCleanSuccess(result, 'sync.server_error')
      expect(server.batches.map(b => [b.status, b.events])).to.deep.equal([[400, 2], [200, 1]])
      expect(server.received.map(e => e.event_type)).to.deep.equal(['WPAssigned'])
      const status = syncStatus()
      expect(status.queue_depth).to.equal(1)
      expect(status.rejected).to.have.length(1)
      expect((status.rejected as Array<Record<string, unknown>>)[0]).to.include({reason, retry_count: 1})
      assertSchema('sync-status', status)
      const again = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
      expect(again.code).to.equal(0)
      expect(server.received).to.have.length(2)
      expect(syncStatus().rejected).to.deep.equal([])
    })
  }

  it('400 with a plain-text detail rejects the whole batch; five rejections set an event aside, listed with its reason', async () => {
    server.fault = '400-plain'
    assertCleanSuccess(await move('claimed'), 'sync.server_error')
    expect(syncStatus().rejected).to.have.length(2)
    for (let i = 0; i < 4; i++) await sandbox.cliAsync(['sync', 'now', '--json'], {env}) // eslint-disable-line no-await-in-loop
    const status = syncStatus()
    expect(status).to.include({queue_depth: 0})
    expect(status.set_aside).to.have.length(2)
    expect(String((status.set_aside as Array<{reason: string}>)[0].reason)).to.match(/rejected 5 times; last reason: invalid batch: the batch could not be parsed/)
    assertSchema('sync-status', status)
  })

  it('413: the batch is halved until it fits; an event too large even alone is set aside, never dropped silently', async () => {
    expect((await move('claimed', {SPEC_KITTY_ENABLE_SAAS_SYNC: '0'})).code).to.equal(0) // local only
    server.fault = 'never-answer'
    await move('in_progress')
    await move('blocked')
    expect(queued()).to.have.length(2)
    server.fault = 'healthy'
    const sizes = queued().map(file => readFileSync(join(sandboxOutbox(sandbox, server), file)).length)
    server.maxRequestBytes = Math.max(...sizes) + 40 // one event fits, two do not
    const result = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(result.code, result.stdout).to.equal(0)
    expect(server.batches.map(b => b.status)).to.deep.equal([413, 200, 200])
    expect(server.received).to.have.length(2)
    server.maxRequestBytes = 10
    await move('in_progress')
    const status = syncStatus()
    expect(status.queue_depth).to.equal(0)
    expect((status.set_aside as Array<{reason: string}>).map(s => s.reason)).to.deep.equal(['the server refused the event as too large even on its own (HTTP 413)'])
  })

  it('the health endpoint\'s limits are honoured: batches of at most the advertised size', async () => {
    server.limits = {max_events_per_batch: 2}
    server.fault = 'never-answer'
    await move('claimed')
    await move('in_progress')
    expect(queued()).to.have.length(3)
    server.fault = 'healthy'
    expect((await sandbox.cliAsync(['sync', 'now', '--json'], {env})).code).to.equal(0)
    expect(server.batches.filter(b => b.status === 200).map(b => b.events)).to.deep.equal([2, 1])
  })

  it('a 5xx streak within one final sync: retried, delivered on the third attempt; a longer streak keeps every event', async () => {
    server.faultQueue.push('500', '500')
    assertCleanSuccess(await move('claimed'), null)
    expect(server.batches.map(b => b.status)).to.deep.equal([500, 500, 200])
    server.faultQueue.push('500', '500', '500')
    const result = await move('in_progress')
    assertCleanSuccess(result, 'sync.server_error')
    expect(queued()).to.have.length(1)
  })

  it('server port closed: one websocket_offline line (upstream\'s code for an unreachable server); events stay queued', async () => {
    await server.close()
    const result = await move('claimed')
    assertCleanSuccess(result, 'sync.websocket_offline')
    expect(result.stderr).to.contain('queued=2')
    expect(queued()).to.have.length(2)
  })

  it('several failures in one invocation (expired token, refresh unreachable, every retry offline): still one line', async () => {
    expireSession()
    await server.close()
    assertCleanSuccess(await move('claimed'), 'sync.websocket_offline')
  })

  it('server accepts TCP but never answers: bounded by the budget, one line, events kept', async () => {
    server.fault = 'never-answer'
    const started = Date.now()
    const result = await move('claimed')
    expect(Date.now() - started).to.be.lessThan(8000)
    assertCleanSuccess(result, 'sync.event_loop_unavailable')
    expect(queued()).to.have.length(2)
  })

  it('a batch answered for only half its events: the unanswered half is sent again, and each event arrives once', async () => {
    server.fault = 'half-acked'
    assertCleanSuccess(await move('claimed'), null)
    expect(server.batches.map(b => b.events)).to.deep.equal([2, 1])
    expect(queued()).to.deep.equal([])
    expect(server.deliveredOnce()).to.equal(true)
  })

  it('the server restarts between commands: nothing is lost or doubled', async () => {
    assertCleanSuccess(await move('claimed'), null)
    await server.close()
    assertCleanSuccess(await move('in_progress'), 'sync.websocket_offline')
    await server.restart()
    assertCleanSuccess(await move('blocked'), null)
    expect(lanesOf(server)).to.deep.equal([['WP01', 'claimed'], ['WP01', 'in_progress'], ['WP01', 'blocked']])
    expect(server.deliveredOnce()).to.equal(true)
  })

  it('tokens appear in no file but the session file, and in no output', async () => {
    expireSession()
    assertCleanSuccess(await move('claimed'), null)
    server.fault = 'never-answer'
    const outputs = [await move('in_progress'), await sandbox.cliAsync(['sync', 'status', '--json'], {env}), await sandbox.cliAsync(['auth', 'status'], {env})]
    const session = JSON.parse(readFileSync(sessionFile(sandbox), 'utf8'))
    const secrets = ['good-token', 'good-refresh', session.access_token, session.refresh_token]
    for (const output of outputs) for (const secret of secrets) expect(output.stdout + output.stderr).not.to.contain(secret)
    const leaks = filesUnder(sandbox.dir)
    .filter(file => !file.endsWith('session.json') && !file.includes(`${join('.git', 'objects')}`))
    .filter(file => secrets.some(secret => readFileSync(file, 'latin1').includes(secret)))
    expect(leaks).to.deep.equal([])
  })

  it('drain lock held by another live process: final_sync_lock_unavailable', async () => {
    const dir = sandboxOutbox(sandbox, server)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'drain.lock'), `${process.pid}\n`)
    assertCleanSuccess(await move('claimed'), 'sync.final_sync_lock_unavailable')
    expect(server.batches).to.deep.equal([])
  })

  it('refresh lock held by another process while the token is expired: auth_refresh_in_progress', async () => {
    expireSession()
    writeFileSync(join(String(sandbox.env.SPEC_KITTY_CONFIG_DIR), 'refresh.lock'), `${process.pid}\n`)
    assertCleanSuccess(await move('claimed'), 'sync.auth_refresh_in_progress')
    expect(server.refreshes).to.equal(0)
  })

  it('SIGTERM during the flush: one event_loop_unavailable line, exit 0, events kept', async () => {
    server.fault = 'never-answer'
    const child = move('claimed', {SPEC_KITTY_SYNC_BUDGET_MS: '30000'})
    const lock = join(sandboxOutbox(sandbox, server), 'drain.lock')
    const deadline = Date.now() + 20_000
    while (!existsSync(lock) && Date.now() < deadline) {
      // eslint-disable-next-line no-await-in-loop -- poll until the CLI is mid-flush
      await new Promise(done => {
        setTimeout(done, 50)
      })
    }

    // The drain lock names its holder: "pid=<pid> start=… boot=…".
    process.kill(Number(/^pid=(\d+) /.exec(readFileSync(lock, 'utf8'))![1]), 'SIGTERM')
    const result = await child
    assertCleanSuccess(result, 'sync.event_loop_unavailable')
    expect(result.stderr).to.contain('SIGTERM')
    expect(queued()).to.have.length(2)
  })

  it('commands that queue nothing never contact the server and say nothing about sync, even with events queued', async () => {
    server.fault = 'never-answer'
    await move('claimed')
    expect(queued()).to.have.length(2)
    server.fault = 'healthy'
    const batches = server.batches.length
    for (const args of [
      ['agent', 'tasks', 'status', '--mission', slug, '--json'],
      ['agent', 'tasks', 'list-tasks', '--mission', slug, '--json'],
      ['--version'],
      ['agent', 'tasks', 'move-task', '--help'],
      ['agent', 'tasks', 'move-task', 'WP01', '--to', 'done', '--mission', slug, '--json'], // refused by a guard
      ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json'], // already there: nothing written
    ]) {
      // eslint-disable-next-line no-await-in-loop -- one command after the other, as an agent runs them
      const result = await sandbox.cliAsync(args, {env})
      expect(result.stderr, args.join(' ')).not.to.contain('sync_diagnostic')
    }

    expect(server.batches.length, 'a command that queued nothing contacted the server').to.equal(batches)
    const now = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(now.code, now.stdout).to.equal(0)
    expect(queued()).to.deep.equal([])
  })

  it('sync off: no diagnostic, no outbox, no connection', async () => {
    assertCleanSuccess(await move('claimed', {SPEC_KITTY_ENABLE_SAAS_SYNC: 'no'}), null)
    expect(existsSync(join(String(sandbox.env.SPEC_KITTY_STATE_DIR), 'outbox'))).to.equal(false)
    expect(server.batches).to.deep.equal([])
  })

  it('a project without project.uuid keeps its events local, and sync status says why', async () => {
    const config = join(sandbox.repo, '.kittify', 'config.yaml')
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^(\s*)uuid:.*$/m, ''))
    assertCleanSuccess(await move('claimed'), null)
    expect(queued()).to.deep.equal([])
    expect(server.batches).to.deep.equal([])
    expect(String(syncStatus().local_only_reason)).to.match(/no project\.uuid, so this project's events stay local/)
  })

  it('sync status and sync now report the queue truthfully; tokens never appear', async () => {
    await server.close()
    await move('claimed')
    const status = syncStatus()
    expect(status).to.include({
      enabled: true, queue_depth: 2, team: 'team-a', user: TEST_USER.email,
    })
    assertSchema('sync-status', status)
    const now = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(now.code).to.equal(1)
    expect(parseJson(now.stdout)).to.include({queue_depth: 2})
    assertSchema('sync-now', parseJson(now.stdout))
    assertSchema('error', parseJson(now.stdout))
    const auth = sandbox.cli(['auth', 'status', '--json'], {env})
    expect(auth.stdout).not.to.contain('good-token')
    expect(parseJson(auth.stdout)).to.include({logged_in: true, team: 'team-a'})
    assertSchema('auth-status', parseJson(auth.stdout))
  })

  it('refuses a session file readable by others, once, without failing the command', async () => {
    chmodSync(sessionFile(sandbox), 0o644)
    const result = await move('claimed')
    expect(result.code).to.equal(0)
    expect(result.stderr).to.contain('readable by other users')
    expect(sandbox.cli(['auth', 'status', '--json'], {env}).code).to.equal(1)
  })
})
