import {join, relative} from 'node:path'

import type {Mission} from '../core/mission/mission-handle.js'
import type {StatusEvent} from '../core/status/status-event.js'

import {assertAutoCommitAllowed, commitFiles} from '../core/git/auto-commit.js'
import {currentBranch} from '../core/git/git.js'
import {writeFileAtomic, writeFileIfChanged} from '../core/io/atomic-write.js'
import {newUlid, pythonIsoTimestamp} from '../core/io/clock.js'
import {pythonJsonLine} from '../core/io/python-json.js'
import {decodeText, encodeText, readRegularFile} from '../core/io/regular-file.js'
import {assertWritable} from '../core/io/writable.js'
import {coordinationBranchFor, publishToSurface} from '../core/mission/coordination.js'
import {computeLanes} from '../core/mission/lane-compute.js'
import {
  type ExecutionLane, type LanesManifest, lanesManifestDocument, lanesPath, readLanesManifest,
} from '../core/mission/lanes-manifest.js'
import {withMissionLock} from '../core/mission/mission-lock.js'
import {metaTargetBranch} from '../core/mission/mission-meta.js'
import {eventLogPath} from '../core/status/event-log.js'
import {finalizeRows} from '../core/status/lifecycle-rows.js'
import {readMissionStatus, recordEvents} from '../core/status/mission-status.js'
import {snapshotPath} from '../core/status/status-snapshot.js'
import {planningError, readDependencyGraph} from '../core/tasks/dependency-graph.js'
import {withFrontmatterValues} from '../core/tasks/frontmatter-edit.js'
import {type MissionTasks} from '../core/tasks/tasks-file.js'
import {splitFrontmatter} from '../core/tasks/work-package-files.js'

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
  /** WP prompt files whose frontmatter this run completed, relative to the mission's checkout. */
  promptsUpdated: string[]
  /** Files copied from the primary checkout to the coordination worktree. */
  published: string[]
  seeded: string[]
  workPackages: string[]
}

/** The work packages in a dependency cycle (Kahn: what never becomes ready); empty when none. */
function dependencyCycle(wpIds: string[], deps: Map<string, Set<string>>): string[] {
  const remaining = new Set(wpIds)
  let progressed = true
  while (progressed) {
    progressed = false
    for (const id of remaining) {
      if ([...deps.get(id)!].every(dep => !deps.has(dep) || !remaining.has(dep))) {
        remaining.delete(id)
        progressed = true
      }
    }
  }

  return [...remaining].sort()
}

/** The branch contract Spec Kitty writes into every WP prompt at finalize (its own words, verbatim: the other tool compares them). */
export const branchStrategyText = (target: string): string =>
  `Planning artifacts for this mission were generated on ${target}. During /spec-kitty.implement this WP may branch from a dependency-specific base, but completed changes must merge back into ${target} unless the human explicitly redirects the landing branch.`

/**
 * The frontmatter keys Spec Kitty's finalize-tasks maintains in each WP prompt: the dependencies it
 * resolved, the branch contract, and the empty lists it adds. Only those lines change; a prompt that
 * already says all of it is not rewritten. Returns the new contents; nothing is written here.
 */
function promptFrontmatterEdits(tasks: MissionTasks, deps: Map<string, Set<string>>, target: string): Array<{bytes: Buffer; path: string}> {
  const edits: Array<{bytes: Buffer; path: string}> = []
  for (const [id, file] of tasks.workPackages) {
    const bytes = readRegularFile(file.path)
    if (!bytes || file.frontmatterError !== undefined) continue
    const {encoding, text} = decodeText(bytes)
    const fields: Record<string, readonly string[] | string> = {
      dependencies: [...(deps.get(id) ?? [])],
      planning_base_branch: target,
      merge_target_branch: target,
      branch_strategy: branchStrategyText(target),
      ...(/^tracker_refs:/m.test(text) ? {} : {tracker_refs: []}),
      ...(/^create_intent:/m.test(text) ? {} : {create_intent: []}),
    }
    const edited = withFrontmatterValues(text, fields)
    if (edited !== text) edits.push({bytes: encodeText(edited, encoding), path: file.path})
  }

  return edits
}

/** Key-order-independent JSON, to compare a computed manifest part with the one on disk. */
const canonicalJson = (value: unknown): string => pythonJsonLine(value)

/** Each WP prompt's body (after its frontmatter): Spec Kitty predicts lane surfaces from it. */
function promptBodies(tasks: MissionTasks): Map<string, string> {
  const bodies = new Map<string, string>()
  for (const [id, file] of tasks.workPackages) {
    const bytes = readRegularFile(file.path)
    if (bytes) bodies.set(id, splitFrontmatter(decodeText(bytes).text).body)
  }

  return bodies
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
    // Every problem of the plan is reported at once, before anything is written.
    const {deps, ownership, problems, tasks, wpIds} = readDependencyGraph(mission.dir)
    const cycle = dependencyCycle(wpIds, deps)
    if (cycle.length > 0) problems.push({code: 'dependency_cycle', message: `Work packages depend on each other in a cycle: ${cycle.join(', ')}.`, remediation: 'Break the cycle in tasks.md or the prompt files.'})
    if (problems.length > 0) throw planningError(problems)
    const {collapseReport, lanes, planningArtifactWps} = computeLanes(wpIds, deps, ownership, promptBodies(tasks))
    const existing = readLanesManifest(mission.dir)
    const missionBranch = existing?.mission_branch ?? mission.coordination?.branch ?? coordinationBranchFor(mission.slug)
    // A re-run with the same plan leaves lanes.json alone (computed_at would churn every time).
    const computed = canonicalJson([lanes, planningArtifactWps, collapseReport ?? null])
    const sameLanes = existing !== undefined && canonicalJson([existing.lanes, existing.planning_artifact_wps ?? [], existing.collapse_report ?? null]) === computed
    const status = readMissionStatus(mission)
    const seeded = wpIds.filter(id => !status.workPackages.has(id))
    // Everything this run will write must be writable before the first write, or nothing is written.
    const promptEdits = promptFrontmatterEdits(tasks, deps, target)
    assertWritable([...(sameLanes ? [] : [lanesPath(mission.dir)]), ...(seeded.length > 0 ? [eventLogPath(mission.dir), snapshotPath(mission.dir)] : []), ...promptEdits.map(edit => edit.path)])
    // The copies as published get a commit of their own before finalize edits them: merge later
    // recognizes an untracked primary copy as one git has (the commit that added the file).
    const publishCommit = commitHere && published.length > 0 ? commitFiles(mission.checkout, published.map(file => join(mission.checkout, file)), `chore: publish the planning of ${mission.slug}`) : undefined
    for (const edit of promptEdits) writeFileAtomic(edit.path, edit.bytes)
    let lanesWritten = false
    if (!sameLanes) {
      // A stale collapse report must not survive a recomputation that merged nothing.
      const kept: Partial<LanesManifest> = {...existing}
      delete kept.collapse_report
      const manifest: LanesManifest = {
        ...kept,
        computed_at: pythonIsoTimestamp(),
        computed_from: 'dependency_graph+ownership',
        lanes,
        mission_branch: missionBranch,
        mission_id: typeof mission.meta.mission_id === 'string' ? mission.meta.mission_id : null,
        mission_slug: mission.slug,
        planning_artifact_wps: planningArtifactWps,
        target_branch: existing?.target_branch ?? String(mission.meta.target_branch ?? 'main'),
        version: 1,
        ...(collapseReport ? {collapse_report: collapseReport} : {}),
      }
      lanesWritten = writeFileIfChanged(lanesPath(mission.dir), lanesManifestDocument(manifest))
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

    // The published copies were committed above, before any edit.
    const written = [...promptEdits.map(edit => edit.path), ...(lanesWritten ? [lanesPath(mission.dir)] : []), ...(events.length > 0 ? [eventLogPath(mission.dir), snapshotPath(mission.dir)] : [])]
    const commit = (commitHere && written.length > 0 ? commitFiles(mission.checkout, written, `chore: planning artifacts for ${mission.slug}`) : undefined) ?? publishCommit
    return {
      commit, diverged, events, lanes: existing && sameLanes ? existing.lanes : lanes, lanesWritten, mission, missionBranch, promptsUpdated: promptEdits.map(edit => relative(mission.checkout, edit.path)), published, seeded, workPackages: wpIds,
    }
  })
}
