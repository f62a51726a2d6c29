import type {StatusBoard} from './status-board.js'

/**
 * "What should I do now" for a mission, from its board and the WPs' dependencies: the caller's own
 * work first, then a review that waits, then the next work package that can start, then the merge.
 */
export type NextAction = 'continue' | 'finalize' | 'implement' | 'merge' | 'nothing' | 'review' | 'wait'

export interface NextStep {
  action: NextAction
  /** Commands to run, in order, with the placeholders filled where they are known. */
  commands: string[]
  reason: string
  wp_id: null | string
}

const LANDED = new Set(['approved', 'done'])
const ACTIVE = new Set(['claimed', 'in_progress'])

export function nextStep(board: StatusBoard, deps: ReadonlyMap<string, ReadonlySet<string>>, agent?: string): NextStep {
  const slug = board.mission_slug
  const m = `--mission ${slug}`
  const me = agent ? ` --agent ${agent}` : ''
  const wps = board.work_packages
  const lane = new Map(wps.map(wp => [wp.id, wp.lane]))
  if (wps.length === 0 || wps.some(wp => wp.lane === 'genesis')) {
    return {
      action: 'finalize', commands: [`spec-kitty agent mission finalize-tasks ${m}`], reason: wps.length === 0 ? 'The mission has no work packages yet: write tasks.md, then finalize it.' : 'Some work packages have no lane yet.', wp_id: null,
    }
  }

  const mine = agent ? wps.find(wp => ACTIVE.has(wp.lane) && wp.actor === agent) : undefined
  if (mine) {
    return {
      action: 'continue',
      commands: [`spec-kitty implement ${mine.id} ${m}${me}`, `spec-kitty agent tasks move-task ${mine.id} --to for_review ${m}${me}`],
      reason: `${mine.id} is ${mine.lane} by you (${mine.subtasks.done}/${mine.subtasks.total} subtasks done): finish it and hand it in.`,
      wp_id: mine.id,
    }
  }

  const review = wps.find(wp => wp.lane === 'for_review' && wp.actor !== agent)
  if (review) {
    return {
      action: 'review', commands: [`spec-kitty agent tasks move-task ${review.id} --to in_review ${m}${me}`], reason: `${review.id} waits for a review.`, wp_id: review.id,
    }
  }

  const ready = wps.find(wp => wp.lane === 'planned' && [...(deps.get(wp.id) ?? [])].every(dep => LANDED.has(lane.get(dep) ?? '')))
  if (ready) {
    return {
      action: 'implement',
      commands: [`spec-kitty agent tasks move-task ${ready.id} --to claimed ${m}${me}`, `spec-kitty implement ${ready.id} ${m}${me} --json`],
      reason: `${ready.id} is planned and everything it depends on is approved or done.`,
      wp_id: ready.id,
    }
  }

  if (wps.every(wp => wp.lane === 'done' || wp.lane === 'canceled')) {
    return {
      action: 'nothing', commands: [], reason: 'Every work package is done: the mission has landed.', wp_id: null,
    }
  }

  if (wps.every(wp => LANDED.has(wp.lane) || wp.lane === 'canceled')) {
    return {
      action: 'merge', commands: [`spec-kitty merge ${m} --dry-run --json`, `spec-kitty merge ${m}`], reason: 'Every work package is approved: land the mission.', wp_id: null,
    }
  }

  const busy = wps.filter(wp => !LANDED.has(wp.lane) && wp.lane !== 'canceled').map(wp => `${wp.id} ${wp.lane}${wp.actor ? ` (${wp.actor})` : ''}`)
  return {
    action: 'wait', commands: [`spec-kitty agent tasks status ${m}`], reason: `Nothing can start now: ${busy.join(', ')}.`, wp_id: null,
  }
}
