import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parseJson, REPO_ROOT, Sandbox} from '../support/sandbox.js'
import {SyncTestServer} from '../support/sync-server.js'
import {createNestedEnv, EnvironmentLimitation, type NestedEnv} from './support/nested-env.js'

const CONSUMER = join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'downstream-consumer')

/**
 * Scenario C (#975): the envelopes this CLI sends are checked by a downstream consumer, installed
 * into a nested Python environment, against the contract version it pins; drift is caught.
 */
describe('contract_drift_caught', function () {
  this.timeout(300_000)
  let work: string
  let venv: NestedEnv
  let sandbox: Sandbox
  let server: SyncTestServer
  let envelopesFile: string

  before(async function () {
    work = mkdtempSync(join(tmpdir(), 'spec-kitty-drift-'))
    // 1. The nested environment. Failing to build one is a limitation of this machine: skip, with
    //    the helper's reason, before any product assertion.
    try {
      venv = createNestedEnv(join(work, 'venv'))
    } catch (error) {
      if (!(error instanceof EnvironmentLimitation)) throw error
      process.stderr.write(`skipped contract_drift_caught: ${error.message}\n`)
      this.skip()
    }

    // Offline, from the fixture folder; no bytecode, so the build leaves nothing behind in the repository.
    const install = spawnSync(venv.pip, ['install', '--no-index', '--no-deps', '--disable-pip-version-check', CONSUMER], {encoding: 'utf8', env: {...process.env, PYTHONDONTWRITEBYTECODE: '1'}})
    expect(install.status, install.stdout + install.stderr).to.equal(0)

    // 2. A real lifecycle with the built CLI, sync on, against the real test server.
    server = await new SyncTestServer().listen()
    sandbox = new Sandbox()
    sandbox.initProject()
    const env = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1'}
    const cli = async (args: string[]) => {
      const result = await sandbox.cliAsync(args, {env})
      expect(result.code, `${args.join(' ')}\n${result.stdout}${result.stderr}`).to.equal(0)
      expect(result.stderr).not.to.contain('sync_diagnostic')
      return result
    }

    await cli(['auth', 'login', '--server', server.url, '--token', 'good-token', '--json'])
    const created = await cli(['agent', 'mission', 'create', 'drift-check', '--json'])
    const slug = String(parseJson(created.stdout).mission_slug)
    sandbox.write(`kitty-specs/${slug}/tasks.md`, '# Tasks\n\n## WP01: Contract\n\n- [ ] T001 Envelope\n- [ ] T002 Consumer\n\n## WP02: Docs\n\nDepends on WP01\n\n**Subtasks**: T003\n')
    await cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'])
    await cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--no-auto-commit', '--json'])
    await cli(['agent', 'tasks', 'mark-status', 'T001', 'T003', '--status', 'done', '--mission', slug, '--no-auto-commit', '--json'])
    envelopesFile = join(work, 'received.jsonl')
    writeFileSync(envelopesFile, server.received.map(envelope => JSON.stringify(envelope)).join('\n') + '\n')
  })

  after(async () => {
    await server?.close()
    sandbox?.cleanup()
    rmSync(work, {force: true, recursive: true})
  })

  const consumer = (file: string) => spawnSync(venv.python, ['-m', 'downstream_consumer', 'check', file], {encoding: 'utf8'})

  it('the server received every lifecycle event of the run', () => {
    expect(server.received.map(envelope => envelope.event_type)).to.deep.equal([
      'FeatureCreated', 'WPCreated', 'WPCreated', 'WPStatusChanged', 'WPAssigned', 'WPStatusChanged', 'HistoryAdded', 'HistoryAdded',
    ])
  })

  it('the downstream consumer accepts the envelopes the CLI really sent', () => {
    const result = consumer(envelopesFile)
    expect(result.status, result.stderr).to.equal(0)
    expect(result.stdout).to.contain(`ok: ${server.received.length} envelope(s)`)
  })

  it('catches drift: an envelope without event_id', () => {
    const [first, ...rest] = server.received
    const drifted = {...first}
    delete drifted.event_id
    const file = join(work, 'no-event-id.jsonl')
    writeFileSync(file, [drifted, ...rest].map(envelope => JSON.stringify(envelope)).join('\n'))
    const result = consumer(file)
    expect(result.status).to.equal(1)
    expect(result.stdout + result.stderr).to.match(/event_id/).and.to.match(/envelope 1/)
  })

  it('catches drift: a schema_version of 999.0.0', () => {
    const drifted = server.received.map((envelope, i) => (i === 2 ? {...envelope, schema_version: '999.0.0'} : envelope))
    const file = join(work, 'bumped.jsonl')
    writeFileSync(file, drifted.map(envelope => JSON.stringify(envelope)).join('\n'))
    const result = consumer(file)
    expect(result.status).to.equal(1)
    expect(result.stdout + result.stderr).to.contain('999.0.0').and.to.contain('envelope 3')
  })
})
