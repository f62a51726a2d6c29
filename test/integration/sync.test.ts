import {expect} from 'chai'
import {
  chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {outboxDir} from '../../plugins/plugin-sync/src/sync-paths.js'
import {type CliResult, parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'
import {expireSession as expireSandboxSession, queuedEvents, syncSandbox} from '../support/sync-sandbox.js'
import {SyncTestServer} from '../support/sync-server.js'

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
  expect(all).not.to.contain('good-token')
  const lines = result.stderr.split('\n').filter(line => line.startsWith('sync_diagnostic'))
  if (expectedCode === null) {
    expect(lines, result.stderr).to.deep.equal([])
  } else {
    expect(lines, result.stderr).to.have.length(1)
    expect(DIAGNOSTIC.exec(lines[0])?.[1], lines[0]).to.equal(expectedCode)
  }
}

describe('plugin-sync: a final sync that never pollutes a successful command', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let server: SyncTestServer
  let slug: string
  let env: NodeJS.ProcessEnv

  /** Make the stored access token expired, with a refresh token the server accepts. */
  const expireSession = () => expireSandboxSession(sandbox)
  const queued = () => queuedEvents(sandbox, server)

  // Async: a blocking spawnSync would freeze this process, and with it the in-process server.
  const move = (to: string, extraEnv: NodeJS.ProcessEnv = {}) => sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP01', '--to', to, '--mission', slug, '--no-auto-commit', '--json'], {env: {...env, ...extraEnv}})

  beforeEach(async () => {
    ({env, sandbox, server, slug} = await syncSandbox())
  })

  afterEach(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('healthy server: no diagnostic, outbox empty, the server got each event once', async () => {
    const result = await move('in_progress')
    assertCleanSuccess(result, null)
    expect(queued()).to.deep.equal([])
    expect(server.received.map(e => [e.event_type, (e.payload as {to_lane: string}).to_lane])).to.deep.equal([['WPStatusChanged', 'claimed'], ['WPStatusChanged', 'in_progress']])
    expect([...server.arrivals.values()]).to.deep.equal([1, 1])
    const [first] = server.received
    expect(first).to.include({aggregate_id: 'WP01', aggregate_type: 'WorkPackage', schema_version: '1.0.0'})
    expect(first.causation_id).to.equal((parseJson(result.stdout).event_ids as string[])[0])
  })

  it('every event type the CLI emits matches schemas/event-envelope.schema.json', async () => {
    const created = await sandbox.cliAsync(['agent', 'mission', 'create', 'other-widgets', '--json'], {env})
    expect(created.code, created.stderr).to.equal(0)
    const other = String(parseJson(created.stdout).mission_slug)
    sandbox.write(`kitty-specs/${other}/tasks.md`, '# Tasks\n\n## WP01: Setup\n\n- [ ] T001 Schema\n')
    assertCleanSuccess(await sandbox.cliAsync(['agent', 'mission', 'finalize-tasks', '--mission', other, '--json'], {env}), null)
    assertCleanSuccess(await sandbox.cliAsync(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', other, '--no-auto-commit', '--json'], {env}), null)
    assertCleanSuccess(await move('claimed'), null)
    expect(server.received.map(e => e.event_type)).to.deep.equal(['MissionCreated', 'WPStatusChanged', 'HistoryAdded', 'WPStatusChanged'])
    for (const envelope of server.received) assertSchema('event-envelope', envelope)
    const clocks = server.received.map(e => Number(e.lamport_clock))
    expect(clocks).to.deep.equal([...clocks].sort((a, b) => a - b))
    expect(new Set(clocks).size).to.equal(clocks.length)
  })

  it('several failures in one invocation (expired token, refresh unreachable, every retry offline): still one line, filed as offline', async () => {
    expireSession()
    await server.close()
    const result = await move('in_progress')
    assertCleanSuccess(result, 'sync.websocket_offline')
    expect(result.stderr).to.contain('queued=2')
    expect(queued()).to.have.length(2)
  })

  it('tokens appear in no file but the session file, and in no output', async () => {
    expireSession()
    assertCleanSuccess(await move('claimed'), null)
    server.fault = 'never-answer'
    const outputs = [await move('in_progress'), await sandbox.cliAsync(['sync', 'status', '--json'], {env}), await sandbox.cliAsync(['auth', 'status'], {env})]
    for (const output of outputs) expect(output.stdout + output.stderr).not.to.match(/good-token|good-refresh|refreshed-1/)
    const leaks = filesUnder(sandbox.dir)
    .filter(file => !file.endsWith('session.json') && !file.includes(`${join('.git', 'objects')}`))
    .filter(file => /good-token|good-refresh|refreshed-1/.test(readFileSync(file, 'latin1')))
    expect(leaks).to.deep.equal([])
  })

  it('server port closed: one websocket_offline line after bounded retries; events stay queued', async () => {
    await server.close()
    const result = await move('claimed')
    assertCleanSuccess(result, 'sync.websocket_offline')
    expect(result.stderr).to.contain('queued=1')
    expect(queued()).to.have.length(1)
  })

  it('server accepts TCP but never answers: bounded by the budget, one line, events kept', async () => {
    server.fault = 'never-answer'
    const started = Date.now()
    const result = await move('claimed')
    expect(Date.now() - started).to.be.lessThan(8000)
    assertCleanSuccess(result, 'sync.event_loop_unavailable')
    expect(queued()).to.have.length(1)
  })

  it('WebSocket upgrade refused with 401: server_auth_failure, no retries', async () => {
    server.fault = 'upgrade-401'
    const started = Date.now()
    assertCleanSuccess(await move('claimed'), 'sync.server_auth_failure')
    expect(Date.now() - started).to.be.lessThan(4000)
    expect(queued()).to.have.length(1)
  })

  it('server rejects the session mid-stream: server_auth_failure', async () => {
    server.fault = 'reject-session'
    assertCleanSuccess(await move('claimed'), 'sync.server_auth_failure')
    expect(queued()).to.have.length(1)
  })

  it('server closes right after the upgrade: classified as offline, not as an auth problem', async () => {
    server.fault = 'close-after-upgrade'
    assertCleanSuccess(await move('claimed'), 'sync.websocket_offline')
  })

  it('drain lock held by another live process: final_sync_lock_unavailable', async () => {
    const dir = outboxDir(server.url, 'default', sandbox.env)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'drain.lock'), `${process.pid}\n`)
    assertCleanSuccess(await move('claimed'), 'sync.final_sync_lock_unavailable')
    expect(server.arrivals.size).to.equal(0)
  })

  it('refresh lock held by another process while the token is expired: auth_refresh_in_progress', async () => {
    expireSession()
    const config = String(sandbox.env.SPEC_KITTY_CONFIG_DIR)
    writeFileSync(join(config, 'refresh.lock'), `${process.pid}\n`)
    assertCleanSuccess(await move('claimed'), 'sync.auth_refresh_in_progress')
    expect(server.refreshes).to.equal(0)
  })

  it('an expired token is refreshed under the lock and the events are delivered', async () => {
    expireSession()
    const config = String(sandbox.env.SPEC_KITTY_CONFIG_DIR)
    assertCleanSuccess(await move('claimed'), null)
    expect(server.refreshes).to.equal(1)
    expect(readFileSync(join(config, 'session.json'), 'utf8')).to.contain('refreshed-1')
  })

  it('SIGTERM during the flush: one event_loop_unavailable line, exit 0, events kept', async () => {
    server.fault = 'never-answer'
    const child = sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--no-auto-commit', '--json'], {env: {...env, SPEC_KITTY_SYNC_BUDGET_MS: '30000'}})
    const deadline = Date.now() + 20_000
    while (server.arrivals.size === 0 && server.received.length === 0 && Date.now() < deadline) {
      // eslint-disable-next-line no-await-in-loop -- poll until the CLI is mid-flush
      await new Promise(done => {
        setTimeout(done, 50)
      })
      if (existsSync(join(outboxDir(server.url, 'default', sandbox.env), 'drain.lock'))) break
    }

    const lock = join(outboxDir(server.url, 'default', sandbox.env), 'drain.lock')
    // The drain lock names its holder: "pid=<pid> start=… boot=…".
    process.kill(Number(/^pid=(\d+) /.exec(readFileSync(lock, 'utf8'))![1]), 'SIGTERM')
    const result = await child
    assertCleanSuccess(result, 'sync.event_loop_unavailable')
    expect(result.stderr).to.contain('SIGTERM')
    expect(queued()).to.have.length(1)
  })

  it('after failures, a later command against a healthy server delivers every queued event exactly once', async () => {
    server.fault = 'never-answer'
    await move('claimed')
    server.fault = 'close-after-upgrade'
    await move('in_progress')
    expect(queued()).to.have.length(2)
    server.fault = 'healthy'
    const later = await sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP02', '--to', 'claimed', '--mission', slug, '--no-auto-commit', '--json'], {env})
    expect(later.code).to.equal(0)
    expect(later.stderr).to.equal('')
    expect(queued()).to.deep.equal([])
    expect(server.received.map(e => [e.aggregate_id, (e.payload as {to_lane: string}).to_lane])).to.deep.equal([['WP01', 'claimed'], ['WP01', 'in_progress'], ['WP02', 'claimed']])
    // the first event reached the never-answering server too: it is recorded once, resent as duplicate
    expect(server.received).to.have.length(3)
  })

  it('commands that queue nothing never contact the server and say nothing about sync, even with events queued', async () => {
    server.fault = 'never-answer'
    await move('claimed')
    expect(queued()).to.have.length(1)
    server.fault = 'healthy'
    const arrivals = server.arrivals.size
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

    expect(server.arrivals.size, 'a command that queued nothing contacted the server').to.equal(arrivals)
    expect(queued()).to.have.length(1)
    const now = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(now.code, now.stdout).to.equal(0)
    expect(queued()).to.deep.equal([])
  })

  it('sync off: no diagnostic, no outbox, no connection', async () => {
    const result = await move('claimed', {SPEC_KITTY_ENABLE_SAAS_SYNC: 'no'})
    assertCleanSuccess(result, null)
    expect(existsSync(join(String(sandbox.env.SPEC_KITTY_STATE_DIR), 'outbox'))).to.equal(false)
    expect(server.arrivals.size).to.equal(0)
  })

  it('sync status and sync now report the queue truthfully; tokens never appear', async () => {
    await server.close()
    await move('claimed')
    const status = sandbox.cli(['sync', 'status', '--json'], {env})
    expect(parseJson(status.stdout)).to.include({enabled: true, queue_depth: 1})
    assertSchema('sync-status', parseJson(status.stdout))
    const now = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(now.code).to.equal(1)
    expect(parseJson(now.stdout)).to.include({queue_depth: 1})
    assertSchema('sync-now', parseJson(now.stdout))
    assertSchema('error', parseJson(now.stdout))
    const auth = sandbox.cli(['auth', 'status', '--json'], {env})
    expect(auth.stdout).not.to.contain('good-token')
    expect(parseJson(auth.stdout)).to.include({logged_in: true})
    assertSchema('auth-status', parseJson(auth.stdout))
  })

  it('refuses a session file readable by others, once, without failing the command', async () => {
    const path = join(String(sandbox.env.SPEC_KITTY_CONFIG_DIR), 'session.json')
    chmodSync(path, 0o644)
    const result = await move('claimed')
    expect(result.code).to.equal(0)
    expect(result.stderr).to.contain('readable by other users')
    expect(sandbox.cli(['auth', 'status', '--json'], {env}).code).to.equal(1)
  })
})
