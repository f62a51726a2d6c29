import {newUlid, pythonIsoTimestamp} from '../io/clock.js'

/**
 * The mission lifecycle rows Spec Kitty's Python CLI logs beside the lane events (3.2.x:
 * `MissionCreated` and `SpecifyStarted` at create; `TasksStarted`, one `WPCreated` per work package
 * and `TasksCompleted` at finalize-tasks). Readers skip them by their `event_type`; they are written
 * so that the log reads the same whichever tool planned the mission.
 */
export type LifecycleRow = Record<string, unknown>

/** `2026-06-17T19:13:22.086173Z`: the payload's `at`, microseconds and a Z, as Python writes it. */
const zulu = (): string => pythonIsoTimestamp().replace('+00:00', 'Z')

interface Project {
  slug: null | string
  uuid: null | string
}

const NO_PROJECT: Project = {slug: null, uuid: null}

function row(eventType: string, aggregate: {id: string; type: 'Mission' | 'WorkPackage'}, payload: Record<string, unknown>, project = NO_PROJECT): LifecycleRow {
  return {
    aggregate_id: aggregate.id,
    aggregate_type: aggregate.type,
    event_id: newUlid(),
    event_type: eventType,
    payload,
    project_slug: project.slug,
    project_uuid: project.uuid,
    schema_version: '5.0.0',
    timestamp: pythonIsoTimestamp(),
  }
}

export interface CreatedMissionFacts {
  meta: Record<string, unknown>
  missionSlug: string
  project: Project
}

/** `agent mission create`: the mission, then the start of its specification. */
export function creationRows({meta, missionSlug, project}: CreatedMissionFacts): LifecycleRow[] {
  return [
    row('MissionCreated', {id: String(meta.mission_id), type: 'Mission'}, {...meta, wp_count: 0}, project),
    row('SpecifyStarted', {id: missionSlug, type: 'Mission'}, {
      actor: 'spec-kitty mission create', artifact_path: `kitty-specs/${missionSlug}/spec.md`, at: zulu(), mission_number: null, mission_slug: missionSlug,
    }),
  ]
}

export interface PlannedWorkPackage {
  dependsOn: string[]
  id: string
  path: null | string
  title: null | string
}

/** `agent mission finalize-tasks`, the first time it seeds work packages. */
export function finalizeRows(missionSlug: string, workPackages: readonly PlannedWorkPackage[], totalWps: number): LifecycleRow[] {
  const actor = 'spec-kitty agent mission finalize-tasks'
  const mission = {id: missionSlug, type: 'Mission' as const}
  return [
    row('TasksStarted', mission, {
      actor, at: zulu(), mission_number: null, mission_slug: missionSlug,
    }),
    ...workPackages.map(wp => row('WPCreated', {id: wp.id, type: 'WorkPackage'}, {
      actor, created_at: zulu(), depends_on: wp.dependsOn, mission_number: null, mission_slug: missionSlug, wp_id: wp.id, wp_path: wp.path, wp_title: wp.title,
    })),
    row('TasksCompleted', mission, {
      actor, artifact_path: `kitty-specs/${missionSlug}/tasks.md`, at: zulu(), mission_number: null, mission_slug: missionSlug, summary: null, wp_count: totalWps,
    }),
  ]
}
