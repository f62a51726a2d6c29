import {expect} from 'chai'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {Sandbox} from '../support/sandbox.js'
import {SyncTestServer} from '../support/sync-server.js'

const TOKEN = 'tok-5ecret-4c3ss'

/** Tokens stay in the 0600 session file: not in output, errors, diagnostics or DEBUG logs. */
describe('secrets', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let server: SyncTestServer

  beforeEach(async () => {
    sandbox = new Sandbox()
    sandbox.initProject()
    server = await new SyncTestServer().listen()
  })

  afterEach(async () => {
    await server.close()
    sandbox.cleanup()
  })

  it('--token-stdin keeps the token off the command line, even under DEBUG=*', async () => {
    server.tokens.add(TOKEN)
    const login = await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token-stdin', '--json'], {env: {DEBUG: '*'}, input: `${TOKEN}\n`})
    expect(login.code, login.stderr.slice(-500)).to.equal(0)
    expect(login.stderr.length, 'DEBUG=* did log').to.be.greaterThan(0)
    expect(login.stdout + login.stderr).not.to.contain(TOKEN)
    const session = join(String(sandbox.env.SPEC_KITTY_CONFIG_DIR), 'session.json')
    expect(statSync(session).mode.toString(8)).to.match(/600$/)
    expect(readFileSync(session, 'utf8')).to.contain(TOKEN)
  })

  it('no error or diagnostic repeats the token: bad server URL, bad flag value, refused session', async () => {
    for (const args of [
      ['auth', 'login', '--server', 'http://sync.example.com', '--token', TOKEN, '--json'],
      ['auth', 'login', '--server', server.url, '--token', TOKEN, '--expires-in', 'soon', '--json'],
    ]) {
      const result = sandbox.cli(args)
      expect(result.code, args.join(' ')).to.equal(2)
      expect(result.stdout + result.stderr).not.to.contain(TOKEN)
    }

    server.tokens.add(TOKEN)
    expect((await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token', TOKEN])).code).to.equal(0)
    server.fault = '401'
    const env = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1'}
    for (const args of [['agent', 'mission', 'create', 'demo', '--json'], ['sync', 'now', '--json'], ['sync', 'status'], ['auth', 'status']]) {
      // eslint-disable-next-line no-await-in-loop -- the in-process server must keep answering
      const result = await sandbox.cliAsync(args, {env})
      expect(result.stdout + result.stderr, args.join(' ')).not.to.contain(TOKEN)
    }
  })
})
