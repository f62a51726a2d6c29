import type {StatusEvent} from './status-event.js'

import {newUlid, pythonIsoTimestamp} from '../io/clock.js'
import {CliError} from '../output/cli-error.js'
import {
  FORWARD_ORDER, forwardIndex, isEdgeAllowed, isTerminal, type Lane, type LaneOrGenesis, LANES_REQUIRING_DONE_SUBTASKS,
} from './lanes.js'

export interface LaneMoveRequest {
  actor: string
  /** Result of the done-ancestry check, decided by the caller (it needs git). */
  doneAncestry: 'missing' | 'ok'
  doneOverrideReason?: string
  force: boolean
  from: LaneOrGenesis
  missionId?: string
  missionSlug: string
  note?: string
  /** Approval reference for approved/done evidence. */
  approvalRef?: string
  /** review-cycle:// pointer of the feedback written for a move to planned. */
  reviewPointer?: string
  reviewer: string
  /** Subtasks the WP owns that are not done yet (by the shared task-reference parsers). */
  pendingSubtasks: readonly string[]
  /** Subtasks the WP lists (frontmatter) that have no row anywhere: not done either. */
  unlistedSubtasks?: readonly string[]
  to: Lane
  wpId: string
}

function refuse(code: string, message: string, remediation: string): never {
  throw new CliError(code, message, {remediation})
}

/**
 * Decide the events of a lane move (reference §2.2–§2.3, §3.3), or refuse with the guard that
 * stops it. Pure apart from ids and timestamps: nothing is written here.
 */
export function planLaneMove(request: LaneMoveRequest): StatusEvent[] {
  const {from, missionSlug, to, wpId} = request
  const retry = `spec-kitty agent tasks move-task ${wpId} --to ${to} --mission ${missionSlug}`
  if (from === 'genesis') {
    refuse('no_canonical_status', `${wpId} has no canonical status yet (no event in status.events.jsonl).`, `Run: spec-kitty agent mission finalize-tasks --mission ${missionSlug}`)
  }

  if (from === to) return []
  if (!request.actor.trim()) refuse('actor_required', 'A lane move needs an actor.', `${retry} --agent <name>`)
  if (to === 'planned' && !request.reviewPointer) {
    refuse('review_feedback_required', `Moving ${wpId} back to planned needs review feedback, even with --force.`, `${retry} --review-feedback-file <file.md>`)
  }

  const doneNeedsAncestry = to === 'done' && request.doneAncestry === 'missing' && !request.doneOverrideReason
  if (doneNeedsAncestry) {
    refuse('done_without_merge', `${wpId}'s lane branch is not merged into the current branch, so it cannot be done yet.`, `Land it with "spec-kitty merge --mission ${missionSlug}", or record why: ${retry} --done-override-reason "<why>"`)
  }

  const event = (fromLane: LaneOrGenesis, toLane: Lane, extra: Partial<StatusEvent> = {}): StatusEvent => ({
    actor: request.actor,
    at: pythonIsoTimestamp(),
    event_id: newUlid(),
    evidence: null,
    execution_mode: 'worktree',
    force: false,
    from_lane: fromLane,
    ...(request.missionId ? {mission_id: request.missionId} : {}),
    mission_slug: missionSlug,
    policy_metadata: null,
    reason: null,
    review_ref: null,
    to_lane: toLane,
    wp_id: wpId,
    ...extra,
  })
  const evidence = (): StatusEvent['evidence'] => ({
    review: {
      reference: request.approvalRef ?? request.note ?? `auto-approval:${wpId}:${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`,
      reviewer: request.reviewer,
      verdict: 'approved',
    },
  })
  const doneReason = request.doneOverrideReason ? `Done override: ${request.doneOverrideReason}` : null
  // As the Python CLI writes it: the note when one is given, else the hop.
  const moveReason = (hopFrom: LaneOrGenesis, hopTo: Lane): string => request.note ?? `move-task: ${hopFrom} -> ${hopTo}`

  if (request.force) {
    const reason = doneReason ?? request.note ?? `Force move to ${to}`
    const needsEvidence = to === 'approved' || to === 'done'
    return [event(from, to, {
      evidence: needsEvidence ? evidence() : null, force: true, reason, review_ref: request.reviewPointer ?? null,
    })]
  }

  if (isTerminal(from)) {
    refuse('terminal_lane', `${wpId} is ${from}, a terminal lane; it cannot move without --force.`, `${retry} --force --note "<why>"`)
  }

  const fromIndex = forwardIndex(from)
  const toIndex = forwardIndex(to)
  if (fromIndex >= 0 && toIndex >= 0 && toIndex < fromIndex) {
    // Backward moves are forced automatically and say so (upstream's `backward rewind`).
    const pointer = request.reviewPointer ? `: ${request.reviewPointer}` : ''
    return [event(from, to, {force: true, reason: `backward rewind: ${from} -> ${to}${pointer}`, review_ref: request.reviewPointer ?? null})]
  }

  if (fromIndex >= 0 && toIndex > fromIndex) {
    const hops = FORWARD_ORDER.slice(fromIndex + 1, toIndex + 1)
    const unlisted = request.unlistedSubtasks ?? []
    if (hops.some(lane => LANES_REQUIRING_DONE_SUBTASKS.includes(lane)) && (request.pendingSubtasks.length > 0 || unlisted.length > 0)) {
      const list = request.pendingSubtasks.join(' ')
      const noRow = unlisted.length > 0 ? ` Listed in the WP's frontmatter with no row in tasks.md (so not done either): ${unlisted.join(' ')}.` : ''
      const fix = [
        ...(unlisted.length > 0 ? [`add a row for ${unlisted.join(', ')} to tasks.md (e.g. "- [x] ${unlisted[0]} …")`] : []),
        ...(list ? [`spec-kitty agent tasks mark-status ${list} --status done --mission ${missionSlug}`] : []),
      ].join(', then ')
      refuse('subtasks_incomplete', `${wpId} has unfinished subtasks: ${[...request.pendingSubtasks, ...unlisted].join(' ')}. Moving to ${to} needs them done.${noRow}`, `${fix}  (or ${retry} --force --note "<why>")`)
    }

    let previous: Lane | LaneOrGenesis = from
    return hops.map(lane => {
      const hop = event(previous, lane, {
        evidence: lane === 'approved' || lane === 'done' ? evidence() : null,
        reason: (lane === 'done' ? doneReason : null) ?? moveReason(previous, lane),
      })
      previous = lane
      return hop
    })
  }

  if (isEdgeAllowed(from, to)) return [event(from, to, {reason: moveReason(from, to)})]
  refuse('transition_not_allowed', `${wpId} cannot move from ${from} to ${to}.`, `Allowed from ${from}: see "spec-kitty agent tasks move-task --help"; or ${retry} --force --note "<why>"`)
}
