import type {LifecycleEvent} from '../../api/index.js'
import type {Mission} from '../mission/mission-handle.js'
import type {StatusEvent} from './status-event.js'

/** One `WPStatusChanged` envelope per lane event; `occurredAt` is the event's own time. */
export function laneChangeEvents(root: string, mission: Pick<Mission, 'slug'>, events: readonly StatusEvent[]): LifecycleEvent[] {
  return events.map(event => ({
    aggregateId: event.wp_id,
    aggregateType: 'WorkPackage',
    causationId: event.event_id,
    eventType: 'WPStatusChanged',
    occurredAt: event.at,
    payload: {
      actor: event.actor,
      execution_mode: event.execution_mode,
      force: event.force,
      from_lane: event.from_lane,
      mission_slug: mission.slug,
      reason: event.reason,
      review_ref: event.review_ref,
      to_lane: event.to_lane,
      wp_id: event.wp_id,
    },
    projectRoot: root,
  }))
}
