import {expect} from 'chai'
import {
  mkdtempSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CliError} from '../../../src/core/output/cli-error.js'
import {parseEventLog, readEventLog} from '../../../src/core/status/event-log.js'

const row = (i: number) => JSON.stringify({
  actor: `agent-${i % 7}`, at: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}+00:00`, event_id: `01J${String(i).padStart(23, '0')}`, force: i % 5 === 0, from_lane: 'planned', mission_slug: 'm', reason: 'é'.repeat(i % 3), to_lane: 'claimed', wp_id: `WP${String((i % 40) + 1).padStart(2, '0')}`,
})

describe('event log read streaming', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-log-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('reads a log of several 1 MiB chunks exactly as the whole text, lines split across chunks included', () => {
    // About 3 MB with multi-byte characters, so chunk borders fall inside lines and inside characters.
    const text = Array.from({length: 12_000}, (_, i) => (i % 1000 === 0 ? '{"event_type": "MissionCreated"}' : row(i))).join('\n') + '\n'
    writeFileSync(join(dir, 'status.events.jsonl'), text)
    const path = join(dir, 'status.events.jsonl')
    expect(readEventLog(dir)).to.deep.equal(parseEventLog(text, path))
    expect(readEventLog(dir)).to.have.length(12_000 - 12)
  })

  it('names the line of a torn last line, however the log was chunked', () => {
    const text = Array.from({length: 8000}, (_, i) => row(i)).join('\n') + '\n{"actor": "x", "at'
    writeFileSync(join(dir, 'status.events.jsonl'), text)
    expect(() => readEventLog(dir)).to.throw(CliError, /:8001: truncated or invalid JSON on the last line/)
  })
})
