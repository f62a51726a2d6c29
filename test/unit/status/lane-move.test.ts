import {expect} from 'chai'

import {CliError} from '../../../src/core/output/cli-error.js'
import {type LaneMoveRequest, planLaneMove} from '../../../src/core/status/lane-move.js'

const request = (over: Partial<LaneMoveRequest>): LaneMoveRequest => ({
  actor: 'claude', doneAncestry: 'ok', force: false, from: 'planned', missionSlug: 'demo-01J9ZK3M', pendingSubtasks: [], reviewer: 'rev', to: 'claimed', wpId: 'WP01', ...over,
})

function refusal(over: Partial<LaneMoveRequest>): string {
  try {
    planLaneMove(request(over))
  } catch (error) {
    expect(error).to.be.instanceOf(CliError)
    return (error as CliError).code
  }

  throw new Error('expected a refusal')
}

describe('lane moves', () => {
  it('writes one event per hop for an unforced forward move, 1 µs or more apart and in order', () => {
    const events = planLaneMove(request({to: 'for_review'}))
    expect(events.map(e => `${e.from_lane}>${e.to_lane}`)).to.deep.equal(['planned>claimed', 'claimed>in_progress', 'in_progress>for_review'])
    expect(events.every(e => e.force === false)).to.equal(true)
    const ats = events.map(e => e.at)
    expect([...ats].sort()).to.deep.equal(ats)
    expect(new Set(ats).size).to.equal(3)
  })

  it('gives each hop the reason the Python CLI writes: the note, else "move-task: <from> -> <to>"', () => {
    expect(planLaneMove(request({to: 'in_progress'})).map(e => e.reason)).to.deep.equal(['move-task: planned -> claimed', 'move-task: claimed -> in_progress'])
    expect(planLaneMove(request({note: 'Ready for review', to: 'claimed'}))[0].reason).to.equal('Ready for review')
    expect(planLaneMove(request({from: 'in_progress', to: 'blocked'}))[0].reason).to.equal('move-task: in_progress -> blocked')
  })

  it('blocks for_review/approved/done while owned subtasks are pending, naming them', () => {
    expect(refusal({pendingSubtasks: ['T002'], to: 'for_review'})).to.equal('subtasks_incomplete')
    expect(planLaneMove(request({pendingSubtasks: ['T002'], to: 'in_progress'}))).to.have.length(2)
  })

  it('attaches review evidence to approved and done hops', () => {
    const events = planLaneMove(request({approvalRef: 'PR#1', from: 'for_review', to: 'done'}))
    expect(events.map(e => e.to_lane)).to.deep.equal(['in_review', 'approved', 'done'])
    expect(events[1].evidence).to.deep.equal({review: {reference: 'PR#1', reviewer: 'rev', verdict: 'approved'}})
  })

  it('forces backward moves automatically with a backward rewind reason', () => {
    const [event] = planLaneMove(request({from: 'for_review', to: 'in_progress'}))
    expect(event).to.include({force: true, reason: 'backward rewind: for_review -> in_progress'})
  })

  it('needs review feedback to go back to planned, even with --force', () => {
    expect(refusal({force: true, from: 'in_review', to: 'planned'})).to.equal('review_feedback_required')
    const [event] = planLaneMove(request({from: 'in_review', reviewPointer: 'review-cycle://m/WP01/review-cycle-1.md', to: 'planned'}))
    expect(event.reason).to.equal('backward rewind: in_review -> planned: review-cycle://m/WP01/review-cycle-1.md')
    expect(event.review_ref).to.equal('review-cycle://m/WP01/review-cycle-1.md')
  })

  it('keeps terminal lanes terminal unless forced, and a forced move is one event with a reason', () => {
    expect(refusal({from: 'done', to: 'in_progress'})).to.equal('terminal_lane')
    const events = planLaneMove(request({force: true, from: 'done', to: 'in_progress'}))
    expect(events).to.have.length(1)
    expect(events[0]).to.include({force: true, reason: 'Force move to in_progress'})
  })

  it('refuses edges the state machine lacks, and WPs without canonical status', () => {
    expect(refusal({from: 'blocked', to: 'for_review'})).to.equal('transition_not_allowed')
    expect(refusal({from: 'genesis', to: 'claimed'})).to.equal('no_canonical_status')
    expect(refusal({actor: ' ', to: 'claimed'})).to.equal('actor_required')
  })

  it('refuses done without a merged lane branch unless an override reason is recorded', () => {
    expect(refusal({doneAncestry: 'missing', from: 'approved', to: 'done'})).to.equal('done_without_merge')
    const [event] = planLaneMove(request({
      doneAncestry: 'missing', doneOverrideReason: 'landed via PR', from: 'approved', to: 'done',
    }))
    expect(event.reason).to.equal('Done override: landed via PR')
  })

  it('treats a move to the current lane as a no-op', () => {
    expect(planLaneMove(request({from: 'claimed', to: 'claimed'}))).to.deep.equal([])
  })
})
