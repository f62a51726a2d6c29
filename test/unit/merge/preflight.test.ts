import {expect} from 'chai'

import type {MergePreflightContext} from '../../../src/api/index.js'

import {runPreflight} from '../../../src/core/merge/preflight.js'

describe('merge preflight', () => {
  // The checks below read nothing from the context: a placeholder stands in for it.
  const ctx = {} as MergePreflightContext

  it('a check that never settles becomes a blocker naming its plugin, and the others still report', async () => {
    const started = Date.now()
    const report = await runPreflight([
      {
        id: 'hangs', order: 1, plugin: 'spec-kitty-plugin-hang', run: () => new Promise(() => {}),
      },
      {
        id: 'fine', order: 2, plugin: '@spec-kitty/plugin-merge', run: async () => ({message: 'ok', verdict: 'pass'}),
      },
    ], ctx, 100)
    expect(Date.now() - started).to.be.lessThan(5000)
    expect(report.ready).to.equal(false)
    expect(report.blockers.map(b => [b.id, b.plugin])).to.deep.equal([['hangs', 'spec-kitty-plugin-hang']])
    expect(report.blockers[0].message).to.equal('Check hangs of spec-kitty-plugin-hang did not finish within 0.1 s.')
    expect(report.blockers[0].remediation).to.contain('spec-kitty plugins uninstall spec-kitty-plugin-hang')
    expect(report.checks.find(c => c.id === 'fine')?.verdict).to.equal('pass')
  })

  it('a check that throws is a blocker too: a broken check never waves a merge through', async () => {
    const report = await runPreflight([{
      id: 'broken', order: 1, plugin: 'p', async run() {
        throw new Error('boom')
      },
    }], ctx, 1000)
    expect(report.blockers.map(b => b.message)).to.deep.equal(['Check broken failed to run: boom'])
  })
})
