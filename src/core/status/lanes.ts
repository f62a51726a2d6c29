/**
 * The work-package lane state machine of Spec Kitty 3.2.0 (reference §2). Every other module asks
 * this one; no other file lists lanes or edges.
 */

export const LANES = ['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done', 'blocked', 'canceled'] as const
export type Lane = (typeof LANES)[number]
/** `genesis` is the state of a WP with no event yet; it is never a target. */
export type LaneOrGenesis = 'genesis' | Lane

/** The forward order; unforced forward moves write one event per hop along it. */
export const FORWARD_ORDER: readonly Lane[] = ['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done']
export const TERMINAL_LANES: readonly Lane[] = ['done', 'canceled']

/** Progress weight per lane (upstream `status/progress.py`). */
export const LANE_WEIGHT: Readonly<Record<Lane, number>> = {
  approved: 0.8,
  blocked: 0,
  canceled: 0,
  claimed: 0.05,
  done: 1,
  for_review: 0.6,
  in_progress: 0.3,
  in_review: 0.7,
  planned: 0,
}

const ALLOWED: Readonly<Record<LaneOrGenesis, readonly Lane[]>> = {
  approved: ['done', 'in_progress', 'planned', 'blocked', 'canceled'],
  blocked: ['in_progress', 'canceled'],
  canceled: [],
  claimed: ['in_progress', 'blocked', 'canceled'],
  done: [],
  for_review: ['in_review', 'blocked', 'canceled'],
  genesis: ['planned', 'canceled'],
  in_progress: ['for_review', 'approved', 'planned', 'blocked', 'canceled'],
  in_review: ['approved', 'done', 'in_progress', 'planned', 'blocked', 'canceled'],
  planned: ['claimed', 'blocked', 'canceled'],
}

/** Resolve user input to a lane: canonical names, the `doing` alias, any case. */
export function parseLane(input: string): Lane | undefined {
  const lane = input.trim().toLowerCase()
  if (lane === 'doing') return 'in_progress'
  return (LANES as readonly string[]).includes(lane) ? (lane as Lane) : undefined
}

export function isEdgeAllowed(from: LaneOrGenesis, to: Lane): boolean {
  return ALLOWED[from].includes(to)
}

export function allowedTargets(from: LaneOrGenesis): readonly Lane[] {
  return ALLOWED[from]
}

export function isTerminal(lane: LaneOrGenesis): boolean {
  return (TERMINAL_LANES as readonly string[]).includes(lane)
}

export function forwardIndex(lane: LaneOrGenesis): number {
  return FORWARD_ORDER.indexOf(lane as Lane)
}

/** Lanes that require every owned subtask to be done before an unforced move. */
export const LANES_REQUIRING_DONE_SUBTASKS: readonly Lane[] = ['for_review', 'approved', 'done']
