import {expect} from 'chai'

import {IdHashSet} from '../../../src/core/status/id-set.js'

describe('event-id hash set', () => {
  it('says new once per id, and keeps every id through its growth', () => {
    const set = new IdHashSet()
    const ids = Array.from({length: 50_000}, (_, i) => `01J${String(i).padStart(23, '0')}`)
    expect(ids.every(id => set.add(id))).to.equal(true)
    expect(ids.filter(id => set.add(id))).to.deep.equal([])
    expect(set.add('01J' + 'X'.repeat(23))).to.equal(true)
    expect(set.add('')).to.equal(true)
    expect(set.add('')).to.equal(false)
  })
})
