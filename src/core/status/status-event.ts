import type {Lane, LaneOrGenesis} from './lanes.js'

export interface ReviewEvidence {
  reference: string
  reviewer: string
  verdict: 'approved' | 'rejected'
}

/** One lane row of status.events.jsonl, exactly the fields upstream writes. */
export interface StatusEvent {
  actor: string
  at: string
  event_id: string
  evidence: null | {review: ReviewEvidence; [key: string]: unknown}
  execution_mode: string
  force: boolean
  from_lane: LaneOrGenesis
  mission_id?: string
  mission_slug: string
  policy_metadata: null | Record<string, unknown>
  reason: null | string
  review_ref: null | string
  to_lane: Lane
  wp_id: string
  [key: string]: unknown
}
