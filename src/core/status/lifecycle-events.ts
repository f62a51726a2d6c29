import type {LifecycleEvent} from '../../api/index.js'
import type {Mission} from '../mission/mission-handle.js'
import type {StatusEvent} from './status-event.js'

import {type MissionMeta, missionNumber} from '../mission/mission-meta.js'
import {dependencyGraph} from '../tasks/dependency-graph.js'
import {loadMissionTasks} from '../tasks/tasks-file.js'

/**
 * The domain events of the hosted service's contract, built from what a command did. Payloads hold
 * the contract's keys only (required first, then the optional ones this CLI knows): the service
 * validates them, and a key it does not know is a rejection waiting to happen.
 */

type MissionRef = Pick<Mission, 'dir' | 'slug'>

interface WorkPackageFacts {
  /** WP → the WPs that depend on it. */
  dependents: Map<string, string[]>
  /** WP → its dependencies. */
  dependencies: Map<string, string[]>
  titles: Map<string, string>
}

/** Titles and the dependency graph, read only when an event needs them; unreadable = unknown. */
function workPackageFacts(mission: MissionRef): WorkPackageFacts {
  const facts: WorkPackageFacts = {dependencies: new Map(), dependents: new Map(), titles: new Map()}
  try {
    const tasks = loadMissionTasks(mission.dir)
    for (const id of tasks.doc.workPackageIds()) {
      const title = tasks.workPackages.get(id)?.title ?? tasks.doc.sectionTitle(id)
      if (title) facts.titles.set(id, title)
    }

    for (const [wp, deps] of dependencyGraph(mission.dir).deps) {
      facts.dependencies.set(wp, [...deps].sort())
      for (const dep of deps) facts.dependents.set(dep, [...(facts.dependents.get(dep) ?? []), wp].sort())
    }
  } catch {
    // A plan this command could not read stays the command's to report; the events go without it.
  }

  return facts
}

const workPackageEvent = (root: string, event: StatusEvent, eventType: LifecycleEvent['eventType'], payload: Record<string, unknown>, aggregateId = event.wp_id): LifecycleEvent => ({
  aggregateId, aggregateType: 'WorkPackage', causationId: event.event_id, eventType, occurredAt: event.at, payload, projectRoot: root,
})

/**
 * The events of lane changes: a WP's first event (from genesis) is `WPCreated`; every other one is
 * `WPStatusChanged`, plus `WPAssigned` when it claims (implementation) or starts a review, plus one
 * `DependencyResolved` per dependent WP when it reaches done.
 */
export function laneChangeEvents(root: string, mission: MissionRef, events: readonly StatusEvent[]): LifecycleEvent[] {
  let facts: undefined | WorkPackageFacts
  const known = () => {
    facts ??= workPackageFacts(mission)
    return facts
  }

  return events.flatMap(event => {
    const wp = event.wp_id
    if (event.from_lane === 'genesis') {
      return [workPackageEvent(root, event, 'WPCreated', {
        dependencies: known().dependencies.get(wp) ?? [], feature_slug: mission.slug, title: known().titles.get(wp) ?? wp, wp_id: wp,
      })]
    }

    const out = [workPackageEvent(root, event, 'WPStatusChanged', {
      actor: event.actor, feature_slug: mission.slug, from_lane: event.from_lane, to_lane: event.to_lane, wp_id: wp,
    })]
    if (event.to_lane === 'claimed' || event.to_lane === 'in_review') {
      out.push(workPackageEvent(root, event, 'WPAssigned', {agent_id: event.actor, phase: event.to_lane === 'claimed' ? 'implementation' : 'review', wp_id: wp}))
    }

    if (event.to_lane === 'done') {
      for (const dependent of known().dependents.get(wp) ?? []) {
        out.push(workPackageEvent(root, event, 'DependencyResolved', {dependency_wp_id: wp, resolution_type: 'completed', wp_id: dependent}, dependent))
      }
    }

    return out
  })
}

/** `FeatureCreated` for a new mission; its number is meta's mission_number ("042"), else its mid8. */
export function featureCreated(root: string, slug: string, meta: MissionMeta): LifecycleEvent {
  const number = missionNumber(meta)
  const createdAt = String(meta.created_at)
  return {
    aggregateId: slug,
    aggregateType: 'Feature',
    causationId: null,
    eventType: 'FeatureCreated',
    occurredAt: createdAt,
    payload: {
      created_at: createdAt, feature_number: number === null ? String(meta.mission_id).slice(-8) : String(number).padStart(3, '0'), feature_slug: slug, target_branch: String(meta.target_branch), wp_count: 0,
    },
    projectRoot: root,
  }
}

/** `FeatureCompleted` when a mission's merge landed. */
export function featureCompleted(root: string, slug: string, totalWps: number, at: string): LifecycleEvent {
  return {
    aggregateId: slug, aggregateType: 'Feature', causationId: null, eventType: 'FeatureCompleted', occurredAt: at, payload: {completed_at: at, feature_slug: slug, total_wps: totalWps}, projectRoot: root,
  }
}

/** `HistoryAdded` for a subtask (or WP) that mark-status changed; the entry is its message. */
export function historyAdded(root: string, wpId: string, entry: string, at: string): LifecycleEvent {
  return {
    aggregateId: wpId, aggregateType: 'WorkPackage', causationId: null, eventType: 'HistoryAdded', occurredAt: at, payload: {entry_content: entry, entry_type: 'note', wp_id: wpId}, projectRoot: root,
  }
}
