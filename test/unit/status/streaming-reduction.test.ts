import {expect} from 'chai'
import fc from 'fast-check'

import type {LaneRecord} from '../../../src/core/status/event-log.js'

import {reduceEvents, StreamingReduction} from '../../../src/core/status/reducer.js'

const LANES = ['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done'] as const

const recordArb = fc.record({
  at: fc.integer({max: 20, min: 0}).map(s => `2026-01-01T00:00:${String(s).padStart(2, '0')}.000000+00:00`),
  eventId: fc.integer({max: 30, min: 0}).map(n => `01J${String(n).padStart(23, '0')}`),
  force: fc.boolean(),
  fromLane: fc.constantFrom(...LANES),
  reviewRef: fc.constantFrom(null, 'review-1'),
  toLane: fc.constantFrom(...LANES),
  wpId: fc.constantFrom('WP01', 'WP02', 'WP03'),
}).map((r): LaneRecord => ({
  ...r, actor: 'a', claimSlots: {}, missionSlug: 'm',
}))

const key = (r: LaneRecord): string => `${r.at} ${r.eventId}`
// Code-unit order, as the reducer compares (at, event_id).
const byKey = (a: LaneRecord, b: LaneRecord): number => Number(key(a) > key(b)) - Number(key(a) < key(b))

const event = (at: number, id: number): LaneRecord => ({
  actor: 'a', at: `2026-01-01T00:00:0${at}+00:00`, claimSlots: {}, eventId: `0${id}`, force: false, fromLane: 'planned', missionSlug: 'm', reviewRef: null, toLane: 'claimed', wpId: 'WP01',
})

function stream(records: LaneRecord[]): ReturnType<StreamingReduction['result']> {
  const reduction = new StreamingReduction()
  for (const record of records) reduction.lane(record)
  return reduction.result()
}

describe('status folded while the log streams by', () => {
  it('never differs from the whole-log reduction: it folds an in-order log, and gives up on anything else', () => {
    fc.assert(fc.property(fc.array(recordArb, {maxLength: 40}), records => {
      const streamed = stream(records)
      if (streamed) expect(streamed).to.deep.equal(reduceEvents(records))
    }), {numRuns: 600})
  })

  it('folds every log appended in time order, an event written twice in a row included', () => {
    fc.assert(fc.property(fc.uniqueArray(recordArb, {maxLength: 40, selector: r => r.eventId}), unique => {
      const ordered = [...unique].sort(byKey)
      const doubled = ordered.flatMap((record, i) => (i % 3 === 0 ? [record, record] : [record]))
      const streamed = stream(doubled)
      expect(streamed, 'the shortcut gave up on an in-order log').to.not.equal(undefined)
      expect(streamed).to.deep.equal(reduceEvents(doubled))
    }), {numRuns: 300})
  })

  it('gives up on a row dated before the one folded last, and on an id seen earlier', () => {
    expect(stream([event(2, 1), event(1, 2)])).to.equal(undefined)
    expect(stream([event(1, 1), event(2, 2), event(3, 1)])).to.equal(undefined)
    expect(stream([event(1, 1), event(2, 2)])?.eventCount).to.equal(2)
  })
})
