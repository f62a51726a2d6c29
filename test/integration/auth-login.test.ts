import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {createMission} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'
import {queuedEvents, sessionFile} from '../support/sync-sandbox.js'
import {SyncTestServer, TEST_USER} from '../support/sync-server.js'

/**
 * A stand-in browser (BROWSER=<script>): it first knocks on the CLI's callback with a forged
 * `state`, then opens the authorization URL and follows the server's redirect back to the CLI, as
 * a browser does after the user approved. It records what it saw in `<script>.log`.
 */
function standInBrowser(sandbox: Sandbox): string {
  const dir = join(sandbox.dir, 'bin')
  mkdirSync(dir, {recursive: true})
  const path = join(dir, 'browser')
  writeFileSync(path, `#!${process.execPath}
const {appendFileSync} = require('node:fs')
const url = new URL(process.argv[2])
const forged = new URL(url.searchParams.get('redirect_uri'))
forged.searchParams.set('state', 'forged'); forged.searchParams.set('code', 'stolen')
fetch(forged).then(async r => {
  appendFileSync(__filename + '.log', 'forged ' + r.status + '\\n')
  const back = await fetch(url)
  appendFileSync(__filename + '.log', 'login ' + back.status + '\\n')
})
`)
  chmodSync(path, 0o755)
  return path
}

describe('auth login against the contract server: browser (PKCE), device flow, token; then exactly-once delivery', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let server: SyncTestServer
  let browser: string

  const login = (args: string[] = []) => sandbox.cliAsync(['auth', 'login', '--server', server.url, '--json', ...args], {env: {BROWSER: browser}})

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.initProject()
    server = await new SyncTestServer().listen()
    browser = standInBrowser(sandbox)
  })

  afterEach(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('browser login: PKCE and state checked, a forged callback refused, the session stored 0600 with user, team and the server\'s expiries', async () => {
    const result = await login()
    expect(result.code, result.stdout + result.stderr).to.equal(0)
    const document = parseJson(result.stdout)
    assertSchema('auth-status', document)
    expect(document).to.deep.include({
      method: 'browser', server: server.url, team: 'team-a', teams: ['team-a', 'team-b'], user: {email: TEST_USER.email, name: TEST_USER.name},
    })
    expect(readFileSync(`${browser}.log`, 'utf8')).to.equal('forged 400\nlogin 200\n')
    expect(result.stderr).to.contain('/oauth/authorize?')
    const session = JSON.parse(readFileSync(sessionFile(sandbox), 'utf8'))
    expect(session.access_token).to.match(/^access-/)
    expect(Date.parse(session.refresh_expires_at) - Date.now()).to.be.within((server.refreshLifetime - 60) * 1000, server.refreshLifetime * 1000)
    expect(result.stdout + result.stderr).not.to.contain(session.access_token)
    expect(result.stdout + result.stderr).not.to.contain(session.refresh_token)
    expect(statSync(sessionFile(sandbox)).mode.toString(8)).to.match(/600$/)
    const status = parseJson(sandbox.cli(['auth', 'status', '--json']).stdout)
    expect(status).to.include({
      expired: false, logged_in: true, refreshable: true, team: 'team-a',
    })
  })

  it('browser login declined: auth_denied, no session', async () => {
    server.authorizeDecision = 'deny'
    const result = await login()
    expect(result.code).to.equal(1)
    expect((parseJson(result.stdout).error as {code: string}).code).to.equal('auth_denied')
    expect(existsSync(sessionFile(sandbox))).to.equal(false)
  })

  it('device login: shows the code in groups of four, polls at the interval, 5 s slower after slow_down, then stores the session', async () => {
    server.deviceScript = ['authorization_pending', 'slow_down', 'approve']
    const result = await login(['--headless', '--team', 'team-b'])
    expect(result.code, result.stdout + result.stderr).to.equal(0)
    expect(result.stderr).to.contain(`open ${server.url}/device`)
    expect(result.stderr).to.contain('WDJB-MJHT')
    expect(parseJson(result.stdout)).to.include({method: 'device', team: 'team-b'})
    expect(server.devicePolls).to.have.length(3)
    expect(server.devicePolls[2] - server.devicePolls[1], 'slow_down adds 5 s to the interval').to.be.at.least(5000)
    expect(server.devicePolls[1] - server.devicePolls[0]).to.be.below(2000)
  })

  for (const [step, code] of [['access_denied', 'auth_denied'], ['expired_token', 'auth_code_expired']] as const) {
    it(`device login answered ${step}: ${code}, no session`, async () => {
      server.deviceScript = ['authorization_pending', step]
      const result = await login(['--headless'])
      expect(result.code).to.equal(1)
      expect((parseJson(result.stdout).error as {code: string}).code).to.equal(code)
      expect(existsSync(sessionFile(sandbox))).to.equal(false)
    })
  }

  it('a team the account is not in is refused with the teams it is in; a server that does not answer is named as unreachable', async () => {
    const wrong = await login(['--token', 'good-token', '--team', 'team-z'])
    expect(parseJson(wrong.stdout).error).to.include({code: 'unknown_team'})
    expect(String((parseJson(wrong.stdout).error as {remediation: string}).remediation)).to.contain('--team team-a')
    await server.close()
    const gone = await login(['--token', 'good-token'])
    expect(parseJson(gone.stdout).error).to.include({code: 'auth_server_unreachable'})
    expect(existsSync(sessionFile(sandbox))).to.equal(false)
  })

  it('exactly once across a browser login, a 401 then refresh, a 5xx streak, a restart, a device login and a 413 split', async () => {
    const {slug} = createMission(sandbox)
    const env = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1', SPEC_KITTY_SYNC_BUDGET_MS: '2500'}
    const move = (wp: string, to: string) => sandbox.cliAsync(['agent', 'tasks', 'move-task', wp, '--to', to, '--mission', slug, '--no-auto-commit', '--json'], {env})
    expect((await login()).code).to.equal(0)
    server.faultQueue.push('401')
    expect((await move('WP01', 'claimed')).stderr).to.equal('')
    expect(server.refreshes).to.equal(1)
    server.faultQueue.push('500', '500', '500')
    expect((await move('WP01', 'in_progress')).stderr).to.match(/diagnostic_code=sync.server_error/)
    await server.restart()
    server.fault = 'never-answer'
    expect((await move('WP02', 'claimed')).stderr).to.match(/diagnostic_code=sync.event_loop_unavailable/)
    server.fault = 'healthy'
    server.deviceScript = ['approve']
    expect((await login(['--headless'])).code).to.equal(0)
    expect(queuedEvents(sandbox, server)).to.have.length(3)
    server.maxRequestBytes = 1500 // one or two events per request, not three
    const now = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
    expect(now.code, now.stdout).to.equal(0)
    expect(server.batches.map(b => b.status)).to.include(413)
    expect(queuedEvents(sandbox, server)).to.deep.equal([])
    expect(server.received.map(e => e.event_type)).to.deep.equal(['WPStatusChanged', 'WPAssigned', 'WPStatusChanged', 'WPStatusChanged', 'WPAssigned'])
    expect(server.deliveredOnce()).to.equal(true)
  })
})

/** Poll a condition a CLI process makes true, for at most 20 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!condition() && Date.now() < deadline) {
    // eslint-disable-next-line no-await-in-loop -- polling
    await new Promise(done => {
      setTimeout(done, 50)
    })
  }

  expect(condition(), 'timed out waiting').to.equal(true)
}

describe('sync watch: the live channel', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let server: SyncTestServer
  let slug: string
  const env = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1'}

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.initProject()
    slug = createMission(sandbox).slug
    server = await new SyncTestServer().listen()
    expect((await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token', 'good-token'])).code).to.equal(0)
  })

  afterEach(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('shows the snapshot and each event as the server broadcasts it, answers pings, and stops after --max-events', async () => {
    const watching = sandbox.cliAsync(['sync', 'watch', '--max-events', '2', '--json'], {env})
    await until(() => server.pongs.length > 0)
    expect((await sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--no-auto-commit', '--json'], {env})).code).to.equal(0)
    const result = await watching
    expect(result.code, result.stdout + result.stderr).to.equal(0)
    const document = parseJson(result.stdout)
    assertSchema('sync-watch', document)
    expect(document).to.deep.include({ended: 'max_events', snapshot: {work_packages: 0}})
    expect((document.events as Array<{event_type: string}>).map(e => e.event_type)).to.deep.equal(['WPStatusChanged', 'WPAssigned'])
  })

  it('Ctrl-C ends it cleanly: exit 0, a last line, the socket closed', async () => {
    const child = spawn(process.execPath, [sandbox.bin, 'sync', 'watch'], {cwd: sandbox.repo, env: {...sandbox.env, ...env}})
    let stdout = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
    })
    const exited = new Promise<null | number>(done => {
      child.on('close', code => done(code))
    })
    await until(() => stdout.includes('Connected to'))
    child.kill('SIGINT')
    expect(await exited).to.equal(0)
    expect(stdout).to.match(/Stopped \(interrupted\) after 0 event\(s\)\./)
  })
})
