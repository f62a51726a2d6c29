import {expect} from 'chai'

import type {StatusBoard} from '../../../src/core/status/status-board.js'

import {nextStep} from '../../../src/core/status/next-step.js'

type Wp = [id: string, lane: string, actor?: string]

function board(...wps: Wp[]): StatusBoard {
  return {
    mission_slug: 'demo-01J9ZK3M',
    work_packages: wps.map(([id, lane, actor]) => ({
      actor: actor ?? null, file: null, force_count: 0, id, lane, last_transition_at: null, subtasks: {done: 0, total: 1}, title: null,
    })),
  } as unknown as StatusBoard
}

const chain = new Map([['WP01', new Set<string>()], ['WP02', new Set(['WP01'])]])

describe('next: what to do now', () => {
  it('implements the first planned WP whose dependencies landed, never one that waits on another', () => {
    expect(nextStep(board(['WP01', 'planned'], ['WP02', 'planned']), chain, 'claude')).to.include({action: 'implement', wp_id: 'WP01'})
    expect(nextStep(board(['WP01', 'approved'], ['WP02', 'planned']), chain)).to.include({action: 'implement', wp_id: 'WP02'})
    expect(nextStep(board(['WP01', 'in_progress', 'codex'], ['WP02', 'planned']), chain, 'claude')).to.include({action: 'wait', wp_id: null})
  })

  it('puts your own work first, then a review that is not your own', () => {
    const wps: Wp[] = [['WP01', 'for_review', 'codex'], ['WP02', 'in_progress', 'claude'], ['WP03', 'planned']]
    expect(nextStep(board(...wps), new Map(), 'claude')).to.include({action: 'continue', wp_id: 'WP02'})
    expect(nextStep(board(...wps), new Map(), 'gemini')).to.include({action: 'review', wp_id: 'WP01'})
    expect(nextStep(board(['WP01', 'for_review', 'codex']), new Map(), 'codex')).to.include({action: 'wait'})
  })

  it('merges once everything is approved, says nothing once everything is done, finalizes an unseeded plan', () => {
    const merge = nextStep(board(['WP01', 'approved'], ['WP02', 'done']), chain)
    expect(merge).to.include({action: 'merge'})
    expect(merge.commands[0]).to.equal('spec-kitty merge --mission demo-01J9ZK3M --dry-run --json')
    expect(nextStep(board(['WP01', 'done'], ['WP02', 'canceled']), chain)).to.include({action: 'nothing'})
    expect(nextStep(board(['WP01', 'genesis']), new Map())).to.include({action: 'finalize'})
    expect(nextStep(board(), new Map())).to.include({action: 'finalize'})
  })
})
