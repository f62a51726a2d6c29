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

  it(`loses no event and tears no line: ${WPS.length} processes × ${ROUNDS} rounds, auto-commit on`, async () => {
    const tasks = WPS.map(wp => `## Work Package ${wp}\n\nNothing to tick.\n`).join('\n')
    const {dir, slug} = createMission(sandbox, `# Tasks\n\n${tasks}`)
    const lanes = ['claimed', 'in_progress', 'blocked']
    const expectedEvents = new Map(WPS.map(wp => [wp, 1]))
    for (let round = 0; round < ROUNDS; round++) {
      // claimed, in_progress, then blocked ↔ in_progress: every round is a legal one-hop move.
      const to = round < 2 ? lanes[round] : (round % 2 === 0 ? 'blocked' : 'in_progress')
      // eslint-disable-next-line no-await-in-loop -- rounds are sequential on purpose; each round is concurrent
      const results = await Promise.all(WPS.map(wp => sandbox.cliAsync(['agent', 'tasks', 'move-task', wp, '--to', to, '--mission', slug, '--agent', `agent-${wp}`, '--json'])))
      for (const [i, result] of results.entries()) {
        expect(result.code, `${WPS[i]} round ${round}: ${result.stdout}${result.stderr}`).to.equal(0)
        expectedEvents.set(WPS[i], expectedEvents.get(WPS[i])! + 1)
      }
    }

    const text = readFileSync(join(dir, 'status.events.jsonl'), 'utf8')
    const lines = text.trimEnd().split('\n')
    for (const line of lines) JSON.parse(line) // no torn line
    const records = readEventLog(dir)
    for (const wp of WPS) expect(records.filter(r => r.wpId === wp), wp).to.have.length(expectedEvents.get(wp)!)
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).to.equal(pythonJsonDocument(buildSnapshot(reduceEvents(records), meta)))
    const finalLane = ROUNDS % 2 === 0 ? 'in_progress' : 'blocked'
    for (const wp of WPS) expect(reduceEvents(records).workPackages.get(wp)?.lane).to.equal(finalLane)
    expect(sandbox.git(['status', '--porcelain'])).to.equal('')
  })
})
