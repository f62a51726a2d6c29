import {expect} from 'chai'
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {pythonJsonDocument} from '../../src/core/io/python-json.js'
import {readEventLog} from '../../src/core/status/event-log.js'
import {reduceEvents} from '../../src/core/status/reducer.js'
import {buildSnapshot} from '../../src/core/status/status-snapshot.js'
import {createMission} from '../support/missions.js'
import {CLI, parseJson, Sandbox} from '../support/sandbox.js'
import {SyncTestServer} from '../support/sync-server.js'

const WPS = Array.from({length: 8}, (_, i) => `WP0${i + 1}`)
const ROUNDS = 20

describe('concurrent agents on one mission', function () {
  this.timeout(300_000)
  let sandbox: Sandbox

  before(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  after(() => sandbox.cleanup())

  it(`loses no event, no tick and tears no line: ${WPS.length} processes × ${ROUNDS} rounds of move-task and mark-status, auto-commit on`, async () => {
    // WP01–WP04 move lanes; WP05–WP08 get one subtask ticked per round. All eight run at once.
    const movers = WPS.slice(0, 4)
    const tickers = WPS.slice(4)
    const subtask = (ticker: number, round: number) => `T${String((ticker * ROUNDS) + round + 1).padStart(3, '0')}`
    const section = (wp: string, i: number) => (i < 4
      ? `## Work Package ${wp}\n\nNothing to tick.\n`
      : `## Work Package ${wp}\n\n${Array.from({length: ROUNDS}, (_, round) => `- [ ] ${subtask(i - 4, round)} step ${round + 1}`).join('\n')}\n`)
    const {dir, slug} = createMission(sandbox, `# Tasks\n\n${WPS.map((wp, i) => section(wp, i)).join('\n')}`)
    const lanes = ['claimed', 'in_progress', 'blocked']
    const expectedEvents = new Map(WPS.map(wp => [wp, 1]))
    for (let round = 0; round < ROUNDS; round++) {
      // claimed, in_progress, then blocked ↔ in_progress: every round is a legal one-hop move.
      const to = round < 2 ? lanes[round] : (round % 2 === 0 ? 'blocked' : 'in_progress')
      const runs = [
        ...movers.map(wp => ({args: ['agent', 'tasks', 'move-task', wp, '--to', to, '--mission', slug, '--agent', `agent-${wp}`, '--json'], wp})),
        ...tickers.map((wp, i) => ({args: ['agent', 'tasks', 'mark-status', subtask(i, round), '--status', 'done', '--mission', slug, '--json'], wp})),
      ]
      // eslint-disable-next-line no-await-in-loop -- rounds are sequential on purpose; each round is concurrent
      const results = await Promise.all(runs.map(run => sandbox.cliAsync(run.args)))
      for (const [i, result] of results.entries()) {
        expect(result.code, `${runs[i].args.join(' ')} round ${round}: ${result.stdout}${result.stderr}`).to.equal(0)
        if (i < movers.length) expectedEvents.set(runs[i].wp, expectedEvents.get(runs[i].wp)! + 1)
      }
    }

    const ticked = readFileSync(join(dir, 'tasks.md'), 'utf8')
    for (let i = 0; i < tickers.length; i++) {
      for (let round = 0; round < ROUNDS; round++) expect(ticked, subtask(i, round)).to.contain(`- [x] ${subtask(i, round)} `)
    }

    expect(ticked).not.to.contain('- [ ]')
    const text = readFileSync(join(dir, 'status.events.jsonl'), 'utf8')
    const lines = text.trimEnd().split('\n')
    for (const line of lines) JSON.parse(line) // no torn line
    const records = readEventLog(dir)
    for (const wp of WPS) expect(records.filter(r => r.wpId === wp), wp).to.have.length(expectedEvents.get(wp)!)
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).to.equal(pythonJsonDocument(buildSnapshot(reduceEvents(records), meta)))
    const finalLane = ROUNDS % 2 === 0 ? 'in_progress' : 'blocked'
    for (const wp of movers) expect(reduceEvents(records).workPackages.get(wp)?.lane).to.equal(finalLane)
    expect(sandbox.git(['status', '--porcelain'])).to.equal('')
  })
})

describe('concurrent agents across missions and PID namespaces', function () {
  this.timeout(300_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  it('12 agents on 6 missions auto-commit at once: every move succeeds, is committed and reaches the sync server once', async () => {
    const slugs = Array.from({length: 6}, (_, i) => createMission(sandbox, undefined, {}, `mission-${String.fromCodePoint(97 + i)}`).slug)
    const server = await new SyncTestServer().listen()
    try {
      expect((await sandbox.cliAsync(['auth', 'login', '--server', server.url, '--token', 'good-token'])).code).to.equal(0)
      const env = {SPEC_KITTY_ENABLE_SAAS_SYNC: '1', SPEC_KITTY_SYNC_BUDGET_MS: '4000'}
      const committed = new Map<string, string[]>(slugs.map(slug => [slug, []]))
      for (const to of ['claimed', 'in_progress']) {
        const runs = slugs.flatMap(slug => ['WP01', 'WP02'].map(wp => ({args: ['agent', 'tasks', 'move-task', wp, '--to', to, '--mission', slug, '--agent', 'claude', '--json'], slug})))
        // eslint-disable-next-line no-await-in-loop -- two rounds, each fully concurrent
        const results = await Promise.all(runs.map(run => sandbox.cliAsync(run.args, {env})))
        for (const [i, result] of results.entries()) {
          expect(result.code, `${result.stdout}${result.stderr}`).to.equal(0)
          committed.get(runs[i].slug)!.push(...(parseJson(result.stdout).event_ids as string[]))
        }
      }

      // Every move's events are in the committed log of its mission, on its coordination branch, and
      // nothing is left uncommitted there or in the primary checkout.
      for (const [slug, eventIds] of committed) {
        const log = sandbox.git(['show', `kitty/mission-${slug}:kitty-specs/${slug}/status.events.jsonl`])
        for (const id of eventIds) expect(log, `${slug} ${id}`).to.contain(id)
        expect(sandbox.git(['status', '--porcelain'], join(sandbox.repo, '.worktrees', `${slug}-coord`))).to.equal('')
      }

      expect(sandbox.git(['status', '--porcelain'])).to.equal('')
      const drained = await sandbox.cliAsync(['sync', 'now', '--json'], {env})
      expect(drained.code, drained.stdout).to.equal(0)
      expect(server.received.filter(e => e.event_type === 'WPStatusChanged')).to.have.length(24)
      expect([...server.arrivals.values()].filter(count => count > 1), 'an event was sent as two envelopes').to.have.length(0)
    } finally {
      await server.close()
    }
  })

  it('agents in two PID namespaces sharing the checkout lose no tick: a lock of the other namespace is not broken', async function () {
    const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'])
    // Containers sharing a checkout; unshare needs root (or user namespaces) to make one here.
    if (probe.status !== 0) this.skip()
    const ids = Array.from({length: 40}, (_, i) => `T${String(i + 1).padStart(3, '0')}`)
    const {dir, slug} = createMission(sandbox, `# Tasks\n\n## Work Package WP01: Many\n\n${ids.map(id => `- [ ] ${id} step`).join('\n')}\n`)
    const tick = (id: string, namespaced: boolean) => new Promise<{code: null | number; stdout: string}>(done => {
      const args = [CLI, 'agent', 'tasks', 'mark-status', id, '--status', 'done', '--mission', slug, '--no-auto-commit', '--json']
      const child = namespaced ? spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, ...args], {cwd: sandbox.repo, env: sandbox.env}) : spawn(process.execPath, args, {cwd: sandbox.repo, env: sandbox.env})
      let stdout = ''
      child.stdout.on('data', chunk => {
        stdout += chunk
      })
      child.on('close', code => done({code, stdout}))
    })
    let updated = 0
    for (let round = 0; round < 5; round++) {
      // eslint-disable-next-line no-await-in-loop -- rounds in turn, eight agents at once in each
      const results = await Promise.all(ids.slice(round * 8, (round * 8) + 8).map((id, i) => tick(id, i % 2 === 1)))
      for (const result of results) {
        expect(result.code, result.stdout).to.equal(0)
        updated += (parseJson(result.stdout).results as Array<{outcome: string}>).filter(r => r.outcome === 'updated').length
      }
    }

    const ticked = readFileSync(join(dir, 'tasks.md'), 'utf8').split('\n').filter(line => line.startsWith('- [x]')).length
    expect({ticked, updated}).to.deep.equal({ticked: 40, updated: 40})
  })
})
