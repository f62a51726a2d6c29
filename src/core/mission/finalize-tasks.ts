import {join, relative} from 'node:path'

import type {StatusEvent} from '../status/status-event.js'
import type {Mission} from './mission-handle.js'

import {assertAutoCommitAllowed, commitFiles} from '../git/auto-commit.js'
import {currentBranch} from '../git/git.js'
import {writeFileIfChanged} from '../io/atomic-write.js'
import {newUlid, pythonIsoTimestamp} from '../io/clock.js'
import {pythonJsonDocument} from '../io/python-json.js'
import {assertWritable} from '../io/writable.js'
import {CliError} from '../output/cli-error.js'
import {eventLogPath} from '../status/event-log.js'
import {finalizeRows} from '../status/lifecycle-rows.js'
import {readMissionStatus, recordEvents} from '../status/mission-status.js'
import {snapshotPath} from '../status/status-snapshot.js'
import {loadMissionTasks, type MissionTasks} from '../tasks/tasks-file.js'
import {coordinationBranchFor, publishToSurface} from './coordination.js'
import {
  type ExecutionLane, type LanesManifest, lanesPath, readLanesManifest,
} from './lanes-manifest.js'
import {withMissionLock} from './mission-lock.js'
import {metaTargetBranch} from './mission-meta.js'

export interface FinalizeResult {
  /** The commit on the coordination branch, when auto-commit is on and anything changed. */
  commit: string | undefined
  /** Primary-checkout files that differ from the status copy (which is kept). */
  diverged: string[]
  /** The genesis → planned events this run seeded (empty on a re-run). */
  events: StatusEvent[]
  lanes: ExecutionLane[]
  lanesWritten: boolean
  /** The mission on its status surface (the coordination worktree for a coordination mission). */
  mission: Mission
  missionBranch: string
  /** Files copied from the primary checkout to the coordination worktree. */
  published: string[]
  seeded: string[]
  workPackages: string[]
}

const DEPENDS = /(?:depends\s+on|\*\*dependencies\*\*\s*:|dependencies\s*:)(.*)$/i

/** Dependencies from prompt frontmatter plus `Depends on WP01` / `**Dependencies**: WP01` lines. */
export function dependencyGraph(mission: Mission): {deps: Map<string, Set<string>>; owned: Map<string, string[]>; tasks: MissionTasks; wpIds: string[]} {
  const tasks = loadMissionTasks(mission.dir)
  if (!tasks.exists) {
    throw new CliError('tasks_missing', `${tasks.path} does not exist.`, {remediation: 'Write tasks.md (one section per work package) before finalizing.'})
  }

  const wpIds = tasks.doc.workPackageIds()
  if (wpIds.length === 0) {
    throw new CliError('no_work_packages', `${tasks.path} has no work-package sections and tasks/ has no WP prompt files.`, {
      remediation: 'Add sections like "## Work Package WP01: …" to tasks.md, or prompt files tasks/WP01-<name>.md.',
    })
  }

  const deps = new Map(wpIds.map(id => [id, new Set(tasks.workPackages.get(id)?.dependencies ?? [])]))
  for (const [line, text] of tasks.doc.lines.entries()) {
    const wp = tasks.doc.wpOfLine(line)
    const match = DEPENDS.exec(text)
    if (!wp || !match || tasks.doc.fenced[line]) continue
    for (const dep of match[1].match(/WP\d{2,}/g) ?? []) if (dep !== wp) deps.get(wp)!.add(dep)
  }

  for (const [wp, set] of deps) {
    for (const dep of set) {
      if (!deps.has(dep)) throw new CliError('unknown_dependency', `${wp} depends on ${dep}, which is not a work package of this mission.`, {remediation: `Fix the dependency of ${wp} in tasks.md or its prompt file.`})
    }
  }

  const owned = new Map(wpIds.map(id => [id, tasks.workPackages.get(id)?.ownedFiles ?? []]))
  return {
    deps, owned, tasks, wpIds,
  }
}

/** Dependency order (Kahn), ties by id; a cycle is an error naming its members. */
function executionOrder(wpIds: string[], deps: Map<string, Set<string>>): string[] {
  const order: string[] = []
  const remaining = new Set(wpIds)
  while (remaining.size > 0) {
    const ready = [...remaining].filter(id => [...deps.get(id)!].every(d => !remaining.has(d))).sort()
    if (ready.length === 0) {
      throw new CliError('dependency_cycle', `Work packages depend on each other in a cycle: ${[...remaining].sort().join(', ')}.`, {remediation: 'Break the cycle in tasks.md or the prompt files.'})
    }

    order.push(ready[0])
    remaining.delete(ready[0])
  }

  return order
}

/** WPs that share an owned file or depend on each other share a lane (union-find). */
export function computeLanes(wpIds: string[], deps: Map<string, Set<string>>, owned: Map<string, string[]>): ExecutionLane[] {
  const parent = new Map(wpIds.map(id => [id, id]))
  const find = (id: string): string => (parent.get(id) === id ? id : find(parent.get(id)!))
  const union = (a: string, b: string): void => {
    parent.set(find(a), find(b))
  }

  for (const [wp, set] of deps) for (const dep of set) union(wp, dep)
  const ownerOf = new Map<string, string>()
  for (const [wp, files] of owned) {
    for (const file of files) {
      const other = ownerOf.get(file)
      if (other) union(wp, other)
      else ownerOf.set(file, wp)
    }
  }

  const order = executionOrder(wpIds, deps)
  const groups = new Map<string, string[]>()
  for (const wp of order) groups.set(find(wp), [...(groups.get(find(wp)) ?? []), wp])
  return [...groups.values()].map((members, index) => ({
    depends_on_lanes: [],
    lane_id: `lane-${String.fromCodePoint(97 + (index % 26))}${index >= 26 ? Math.floor(index / 26) : ''}`,
    parallel_group: 0,
    predicted_surfaces: [],
    wp_ids: members,
    write_scope: [...new Set(members.flatMap(wp => owned.get(wp) ?? []))].sort(),
  }))
}

/**
 * `agent mission finalize-tasks`: lanes.json and the genesis → planned bootstrap events. A second
 * run changes nothing; an existing `mission_branch` is kept verbatim (never rebuilt from the slug).
 * A coordination mission is first published to its coordination worktree, where all of this is
 * written and, with auto-commit, committed to the coordination branch (never to the target).
 */
export function finalizeTasks(root: string, primary: Mission, autoCommit: boolean): FinalizeResult {
  const target = metaTargetBranch(primary) ?? currentBranch(root) ?? 'main'
  const {diverged, mission, published} = publishToSurface(root, primary, target)
  const commitHere = autoCommit && mission.coordination !== undefined
  if (commitHere) assertAutoCommitAllowed(mission.checkout)
  return withMissionLock(mission, () => {
    const {deps, owned, tasks, wpIds} = dependencyGraph(mission)
    const lanes = computeLanes(wpIds, deps, owned)
    const existing = readLanesManifest(mission.dir)
    const missionBranch = existing?.mission_branch ?? mission.coordination?.branch ?? coordinationBranchFor(mission.slug)
    const sameLanes = existing && JSON.stringify(existing.lanes.map(l => [l.lane_id, l.wp_ids])) === JSON.stringify(lanes.map(l => [l.lane_id, l.wp_ids]))
    const status = readMissionStatus(mission)
    const seeded = wpIds.filter(id => !status.workPackages.has(id))
    // Everything this run will write must be writable before the first write, or nothing is written.
    assertWritable([...(sameLanes ? [] : [lanesPath(mission.dir)]), ...(seeded.length > 0 ? [eventLogPath(mission.dir), snapshotPath(mission.dir)] : [])])
    let lanesWritten = false
    if (!sameLanes) {
      const manifest: LanesManifest = {
        ...existing,
        computed_at: pythonIsoTimestamp(),
        computed_from: 'dependency_graph+ownership',
        lanes,
        mission_branch: missionBranch,
        mission_id: String(mission.meta.mission_id ?? ''),
        mission_slug: mission.slug,
        planning_artifact_wps: existing?.planning_artifact_wps ?? [],
        target_branch: existing?.target_branch ?? String(mission.meta.target_branch ?? 'main'),
        version: 1,
      }
      lanesWritten = writeFileIfChanged(lanesPath(mission.dir), pythonJsonDocument(manifest))
    }

    const events: StatusEvent[] = seeded.map(wpId => ({
      actor: 'finalize-tasks',
      at: pythonIsoTimestamp(),
      event_id: newUlid(),
      evidence: null,
      execution_mode: 'worktree',
      force: false,
      from_lane: 'genesis',
      ...(typeof mission.meta.mission_id === 'string' ? {mission_id: mission.meta.mission_id} : {}),
      mission_slug: mission.slug,
      policy_metadata: null,
      reason: 'canonical bootstrap',
      review_ref: null,
      to_lane: 'planned',
      wp_id: wpId,
    }))
    if (events.length > 0) {
      const planned = seeded.map(id => {
        const file = tasks.workPackages.get(id)
        return {
          dependsOn: [...(deps.get(id) ?? [])].sort(), id, path: file ? relative(mission.checkout, file.path) : null, title: file?.title ?? null,
        }
      })
      recordEvents(mission, events, status, finalizeRows(mission.slug, planned, wpIds.length))
    }

    const written = [...published.map(file => join(mission.checkout, file)), ...(lanesWritten ? [lanesPath(mission.dir)] : []), ...(events.length > 0 ? [eventLogPath(mission.dir), snapshotPath(mission.dir)] : [])]
    const commit = commitHere && written.length > 0 ? commitFiles(mission.checkout, written, `chore: planning artifacts for ${mission.slug}`) : undefined
    return {
      commit, diverged, events, lanes: existing && sameLanes ? existing.lanes : lanes, lanesWritten, mission, missionBranch, published, seeded, workPackages: wpIds,
    }
  })
}
