import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {pythonJsonDocument} from '../../src/core/io/python-json.js'
import {readEventLog} from '../../src/core/status/event-log.js'
import {reduceEvents} from '../../src/core/status/reducer.js'
import {buildSnapshot} from '../../src/core/status/status-snapshot.js'
import {createMission} from '../support/missions.js'
import {Sandbox} from '../support/sandbox.js'

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
