import {expect} from 'chai'
import {
  chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {createServer} from 'node:http'
import {type AddressInfo} from 'node:net'
import {join} from 'node:path'

import {pidNsTag} from '../../src/core/io/process-identity.js'
import {fileTreeFingerprint} from '../support/fingerprint.js'
import {statusDir} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {
  expireSession as expireSandboxSession, queuedEvents, sandboxOutbox, sessionFile as sandboxSessionFile, syncSandbox,
} from '../support/sync-sandbox.js'
import {SyncTestServer} from '../support/sync-server.js'

/**
 * A misbehaving or compromised sync server: every byte it sends is hostile. Its acks decide which
 * queued files are deleted, its refresh answers what is stored, its redirects where a refresh token
 * goes. None of that may touch a file outside the outbox or lose an event.
 */
describe('plugin-sync against a hostile server', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let server: SyncTestServer
  let slug: string
  let env: NodeJS.ProcessEnv

  const queued = () => queuedEvents(sandbox, server)

  const move = (wp: string, to: string, extraEnv: NodeJS.ProcessEnv = {}) => sandbox.cliAsync(['agent', 'tasks', 'move-task', wp, '--to', to, '--mission', slug, '--no-auto-commit', '--json'], {env: {...env, ...extraEnv}})
  const sessionFile = () => sandboxSessionFile(sandbox)
  const expireSession = () => expireSandboxSession(sandbox)

  beforeEach(async () => {
    ({env, sandbox, server, slug} = await syncSandbox())
  })

  afterEach(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('acks for ids that were not sent (paths, repeats) are ignored: no file outside the outbox changes', async () => {
    sandbox.write('package.json', '{"name": "victim"}\n')
    const config = String(sandbox.env.SPEC_KITTY_CONFIG_DIR)
    const before = {config: fileTreeFingerprint(config), repo: fileTreeFingerprint(sandbox.repo)}
    server.ackOverride = events => [
      {event_id: '../../../repo/package', status: 'accepted'},
      {event_id: '../../../../home/.config/spec-kitty/session', status: 'duplicate'},
      {event_id: '../../escaped', reason: 'pwned', status: 'rejected'},
      // Only the claim is really acknowledged (on every attempt), once for real and once repeated.
      ...events.filter(event => (event.payload as {to_lane?: string}).to_lane === 'claimed').flatMap(event => [{event_id: event.event_id, status: 'success'}, {event_id: event.event_id, status: 'rejected'}]),
    ]
    const result = await move('WP01', 'in_progress')
    expect(result.code, result.stderr).to.equal(0)
    expect(parseJson(result.stdout)).to.include({new_lane: 'in_progress'})
    expect(result.stderr).to.match(/diagnostic_code=sync.server_error .*answered for only part of the batch/)
    expect(queued(), 'the event acked for real left; the two unacked ones stay').to.have.length(2)
    expect(fileTreeFingerprint(config)).to.equal(before.config)
    expect(readFileSync(join(sandbox.repo, 'package.json'), 'utf8')).to.equal('{"name": "victim"}\n')
    // Only the mission's own files (the move) changed: in the primary copy or the coordination worktree's.
    const mine = `.worktrees/${slug}-coord/kitty-specs/${slug}/`
    const unchanged = (tree: string) => tree.split('\n').filter(line => !line.startsWith('kitty-specs/') && !line.startsWith(mine))
    expect(unchanged(fileTreeFingerprint(sandbox.repo))).to.deep.equal(unchanged(before.repo))
    expect(readdirSync(sandbox.dir).sort()).to.deep.equal(['home', 'repo'])
  })

  it('sync now exits 1 while anything stays queued: a half-acked batch, an unreadable outbox file', async () => {
    server.fault = 'never-answer'
    await move('WP01', 'in_progress')
    expect(queued()).to.have.length(3)
    server.fault = 'healthy'
    server.ackOverride = events => [{event_id: events[0].event_id, status: 'success'}]
    const half = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(half.code, half.stdout).to.equal(1)
    expect(parseJson(half.stdout)).to.include({queue_depth: 2})
    server.ackOverride = undefined
    writeFileSync(join(sandboxOutbox(sandbox, server), '01J0000000000000000000000Z.json'), 'not json')
    const unreadable = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(unreadable.code, unreadable.stdout).to.equal(1)
    expect((parseJson(unreadable.stdout).error as {code: string}).code).to.equal('sync.events_remaining')
    expect(queued(), 'every real event was delivered; only the unreadable file is left').to.deep.equal(['01J0000000000000000000000Z.json'])
  })

  it('a refresh answered with a redirect to another origin is not followed: the refresh token stays home', async () => {
    const elsewhere: string[] = []
    const thief = createServer((request, response) => {
      let body = ''
      request.on('data', chunk => {
        body += chunk
      })
      request.on('end', () => {
        elsewhere.push(body)
        response.writeHead(200, {'content-type': 'application/json'}).end('{"access_token": "stolen", "expires_in": 3600}')
      })
    })
    await new Promise<void>(done => {
      thief.listen(0, '127.0.0.1', () => done())
    })
    try {
      server.refreshOverride = response => response.writeHead(307, {location: `http://127.0.0.1:${(thief.address() as AddressInfo).port}/oauth/token`}).end()
      expireSession()
      const session = readFileSync(sessionFile(), 'utf8')
      const result = await move('WP01', 'claimed')
      expect(result.code).to.equal(0)
      expect(result.stderr).to.match(/diagnostic_code=sync.server_error .*redirect/)
      expect(elsewhere, 'the other origin received the refresh request').to.deep.equal([])
      expect(readFileSync(sessionFile(), 'utf8')).to.equal(session)
    } finally {
      thief.close()
    }
  })

  it('a refresh answer with a non-string token or an absurd lifetime is refused, the session kept', async () => {
    const bodies = [{access_token: 42, expires_in: 3600}, {access_token: 'ok-token', expires_in: 1e300}, {access_token: 'two words', expires_in: 60}, {access_token: 'ok-token', refresh_token: ['x']}]
    // Each round a real move, so that each command has an event to send (and a refresh to try).
    const lanes = ['claimed', 'in_progress', 'blocked', 'in_progress']
    for (const [round, body] of bodies.entries()) {
      server.refreshOverride = response => response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(body))
      expireSession()
      const session = readFileSync(sessionFile(), 'utf8')
      // eslint-disable-next-line no-await-in-loop -- one answer after the other
      const result = await move('WP01', lanes[round])
      expect(result.code).to.equal(0)
      expect(result.stderr, JSON.stringify(body)).to.match(/diagnostic_code=sync.server_error .*token answer was refused/)
      expect(readFileSync(sessionFile(), 'utf8'), JSON.stringify(body)).to.equal(session)
    }
  })

  it('plain http is accepted for loopback literals only: 127.evil.example is somebody else', async () => {
    for (const url of ['http://127.evil.example', 'http://127.0.0.1.nip.io', 'http://127.0.0.256', 'http://localhost.evil.example', 'http://10.0.0.1']) {
      const result = sandbox.cli(['auth', 'login', '--server', url, '--token', 't', '--json'])
      expect(result.code, url).to.equal(2)
      expect((parseJson(result.stdout).error as {code: string}).code, url).to.equal('insecure_server_url')
    }

    // Loopback passes the check and goes on to ask the server, which is gone.
    const {port} = new URL(server.url)
    await server.close()
    for (const url of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      const result = sandbox.cli(['auth', 'login', '--server', url, '--token', 't', '--json'])
      expect((parseJson(result.stdout).error as {code: string}).code, url).to.equal('auth_server_unreachable')
    }
  })

  it('a session file readable by others is named as such by sync now and sync status, never an internal error', () => {
    chmodSync(sessionFile(), 0o644)
    for (const args of [['sync', 'now', '--json'], ['sync', 'status', '--json'], ['auth', 'status', '--json']]) {
      const result = sandbox.cli(args, {env})
      expect(result.code, args.join(' ')).to.equal(1)
      expect(parseJson(result.stdout).error, args.join(' ')).to.include({code: 'insecure_session_file'})
    }
  })

  it('the refresh token can come on standard input, off the command line', async () => {
    const login = await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token-stdin', '--expires-in', '1', '--json'], {input: 'good-token\ngood-refresh\n'})
    expect(login.code, login.stdout).to.equal(0)
    expect(JSON.parse(readFileSync(sessionFile(), 'utf8'))).to.include({access_token: 'good-token', refresh_token: 'good-refresh'})
    await new Promise(done => {
      setTimeout(done, 1100)
    })
    const result = await move('WP01', 'claimed')
    expect(result.code).to.equal(0)
    expect(result.stderr).to.equal('')
    expect(server.refreshes).to.equal(1)
    expect(server.received.map(e => e.event_type)).to.deep.equal(['WPStatusChanged', 'WPAssigned'])
  })

  it('lane events of a command that died before queuing them are queued by the next command, exactly once', async () => {
    const dir = statusDir(sandbox.repo, slug)
    // The state a crash between the log append and the hand-over leaves: the event in the log, and
    // the journal of a process that is gone.
    expect((await move('WP01', 'claimed', {SPEC_KITTY_ENABLE_SAAS_SYNC: '0'})).code).to.equal(0)
    const lost = JSON.parse(readFileSync(join(dir, 'status.events.jsonl'), 'utf8').trimEnd().split('\n').at(-1)!)
    const journal = join(sandbox.repo, '.git', 'spec-kitty-publish')
    mkdirSync(journal, {recursive: true})
    const dead = 4_194_303
    writeFileSync(join(journal, `${slug}.${dead}.${pidNsTag()}-0badc0de.json`), JSON.stringify({events: [lost], mission_slug: slug}))
    // A journal whose event never reached the log: a crash before the append, nothing to send.
    writeFileSync(join(journal, `${slug}.${dead}.${pidNsTag()}-0badc0df.json`), JSON.stringify({events: [{...lost, event_id: '01J00000000000000000000000', to_lane: 'done'}], mission_slug: slug}))
    const next = await move('WP02', 'claimed')
    expect(next.code, next.stderr).to.equal(0)
    expect(next.stderr).to.equal('')
    const lanes = () => server.received.filter(e => e.event_type === 'WPStatusChanged').map(e => [e.aggregate_id, (e.payload as {to_lane: string}).to_lane])
    expect(lanes()).to.deep.equal([['WP01', 'claimed'], ['WP02', 'claimed']])
    expect(server.received[0].causation_id).to.equal(lost.event_id)
    expect(readdirSync(journal)).to.deep.equal([])
    // Handed over again (a crash after the hand-over, before the journal was removed): one event.
    writeFileSync(join(journal, `${slug}.${dead}.${pidNsTag()}-0badc0de.json`), JSON.stringify({events: [lost], mission_slug: slug}))
    expect((await move('WP02', 'in_progress')).code).to.equal(0)
    expect(lanes().map(([, lane]) => lane)).to.deep.equal(['claimed', 'claimed', 'in_progress'])
    // The replay kept its envelope id, so the server recognised it as a duplicate.
    expect(server.arrivals.get(String(server.received[0].event_id))).to.equal(2)
  })
})
