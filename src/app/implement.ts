import {
  existsSync, readdirSync, statSync,
} from 'node:fs'

import type {Mission} from '../core/mission/mission-handle.js'
import type {StatusEvent} from '../core/status/status-event.js'

import {assertAutoCommitAllowed, commitFiles} from '../core/git/auto-commit.js'
import {excludeFromGit} from '../core/git/exclude.js'
import {
  branchExists, currentBranch, dirtyPaths, git, gitOk, revParse,
} from '../core/git/git.js'
import {assertWorkingRepository} from '../core/git/repository.js'
import {worktreeAt} from '../core/git/worktrees.js'
import {assertConfined} from '../core/io/confine.js'
import {worktreePath} from '../core/merge/merge-context.js'
import {PLANNING_LANE} from '../core/mission/lane-compute.js'
import {
  type ExecutionLane, laneBranch, type LanesManifest, readLanesManifest,
} from '../core/mission/lanes-manifest.js'
import {withMissionLock} from '../core/mission/mission-lock.js'
import {metaTargetBranch} from '../core/mission/mission-meta.js'
import {CliError, wpNotFound} from '../core/output/cli-error.js'
import {shellQuote} from '../core/output/shell-quote.js'
import {eventLogPath} from '../core/status/event-log.js'
import {planLaneMove} from '../core/status/lane-move.js'
import {laneOf, readMissionStatus, recordEvents} from '../core/status/mission-status.js'
import {snapshotPath} from '../core/status/status-snapshot.js'
import {dependencyGraph} from '../core/tasks/dependency-graph.js'

export interface ImplementResult {
  branch: string
  events: StatusEvent[]
  laneId: string
  missionBranchCreated: boolean
  /** `primary`: a planning-artifact WP, worked on in the primary checkout. */
  status: 'created' | 'primary' | 'reused'
  /** Upstream lanes (depends_on_lanes) merged into the worktree by this run. */
  upstreamMerged: string[]
  worktree: string
}

const LANDED = new Set(['approved', 'done'])

/**
 * What is at a lane's worktree path: git's worktree on the lane branch (reused), nothing or an empty
 * folder (created there), or anything else, refused: reusing a folder that is not that worktree
 * would put the agent's commits on whatever branch the folder belongs to.
 */
function laneWorktreeState(root: string, worktree: string, branch: string): 'create' | 'reuse' {
  assertConfined(root, worktree)
  if (!existsSync(worktree)) return 'create'
  const registered = worktreeAt(root, worktree)
  if (registered?.branch === branch) return 'reuse'
  // git worktree add accepts an empty folder as its target.
  if (!registered && statSync(worktree).isDirectory() && readdirSync(worktree).length === 0) return 'create'

  throw new CliError('worktree_path_occupied', `${worktree} is ${registered ? `the worktree of ${registered.branch ?? 'a detached HEAD'}` : 'not a git worktree of this repository'}, not the lane worktree of ${branch}.`, {
    remediation: registered ? `Remove it (git worktree remove ${shellQuote(worktree)}), then run implement again.` : `Move it out of the way (mv ${shellQuote(worktree)} ${shellQuote(`${worktree}.bak`)}), then run implement again.`,
  })
}

/**
 * In a coordination mission the status is written only in the coordination worktree: a lane's
 * checkout leaves the log and the snapshot out (non-cone sparse checkout, as 3.2 does), so no agent
 * edits or commits a stale copy that would conflict when the lane is merged.
 */
function hideStatusFiles(worktree: string, slug: string): void {
  gitOk(['sparse-checkout', 'set', '--no-cone', '/*', `!/kitty-specs/${slug}/status.events.jsonl`, `!/kitty-specs/${slug}/status.json`], worktree, 'worktree_failed')
}

/**
 * A lane that depends on other lanes must see their work: each upstream lane branch still there is
 * merged into the lane worktree (upstream order: parallel group, then lane id), on creation and on
 * every reuse, so work approved later arrives too. A merge that conflicts is aborted, leaving the
 * worktree as it was, and refused. The planning lane lives in the primary checkout: nothing to merge.
 */
function mergeUpstreamLanes(root: string, worktree: string, manifest: LanesManifest, lane: ExecutionLane): string[] {
  const upstream = manifest.lanes
  .filter(other => (lane.depends_on_lanes ?? []).includes(other.lane_id) && other.lane_id !== PLANNING_LANE)
  .sort((a, b) => a.parallel_group - b.parallel_group || (a.lane_id < b.lane_id ? -1 : 1))
  const merged: string[] = []
  for (const other of upstream) {
    const branch = laneBranch(manifest, other.lane_id)
    // Gone once it was merged and deleted; already in this lane after an earlier implement.
    if (!branchExists(branch, root) || git(['merge-base', '--is-ancestor', `refs/heads/${branch}`, 'HEAD'], worktree).code === 0) continue
    const result = git(['merge', '--no-edit', '--quiet', '-m', `Merge ${other.lane_id} into ${lane.lane_id}: work this lane depends on`, '--end-of-options', `refs/heads/${branch}`], worktree)
    if (result.code !== 0) {
      git(['merge', '--abort'], worktree)
      throw new CliError('dependency_lane_conflict', `${lane.lane_id} depends on ${other.lane_id}, and merging ${branch} into ${worktree} conflicts.`, {
        fields: {dependency_lane: other.lane_id, lane: lane.lane_id},
        remediation: `Merge it by hand in the lane worktree (cd ${shellQuote(worktree)} && git merge ${shellQuote(branch)}), resolve and commit, then run implement again.`,
      })
    }

    merged.push(other.lane_id)
  }

  return merged
}

/**
 * `implement WPnn`: the lane worktree on `<mission_branch>-<lane>` (created from the mission branch,
 * which is created from the target tip when missing), then planned → claimed → in_progress as one
 * batch. Every refusal happens before anything is created.
 */
export function implementWorkPackage(root: string, mission: Mission, wpId: string, actor: string, autoCommit: boolean): ImplementResult {
  assertWorkingRepository(root, {needsCommit: true})
  const manifest = readLanesManifest(mission.dir)
  if (!manifest) throw new CliError('lanes_missing', `${mission.slug} has no lanes.json.`, {remediation: `spec-kitty agent mission finalize-tasks --mission ${mission.slug}`})
  const lane = manifest.lanes.find(l => l.wp_ids.includes(wpId))
  if (!lane) {
    if (!readMissionStatus(mission).workPackages.has(wpId)) throw wpNotFound(wpId, mission.slug)
    throw new CliError('wp_not_in_lane', `${wpId} is in no execution lane of lanes.json.`, {remediation: `Re-run finalize-tasks: spec-kitty agent mission finalize-tasks --mission ${mission.slug}`})
  }

  const {deps} = dependencyGraph(mission.dir)
  if (autoCommit) assertAutoCommitAllowed(mission.checkout)
  return withMissionLock(mission, () => {
    const status = readMissionStatus(mission)
    const from = laneOf(status, wpId)
    if (from === 'genesis') throw new CliError('no_canonical_status', `${wpId} has no canonical status yet.`, {remediation: `spec-kitty agent mission finalize-tasks --mission ${mission.slug}`})
    // Implementing approved or done work would reopen a worktree nobody should commit to.
    if (LANDED.has(from)) {
      throw new CliError('wp_already_landed', `${wpId} is ${from}: there is nothing left to implement.`, {
        fields: {lane: from},
        remediation: from === 'approved' ? `Merge it: spec-kitty merge --mission ${mission.slug} --dry-run` : `To rework it, move it back first: spec-kitty agent tasks move-task ${wpId} --to planned --force --mission ${mission.slug}`,
      })
    }

    const unmet = [...(deps.get(wpId) ?? [])].filter(dep => !LANDED.has(laneOf(status, dep)))
    if (unmet.length > 0) {
      throw new CliError('dependencies_not_satisfied', `${wpId} depends on ${unmet.map(d => `${d} (${laneOf(status, d)})`).join(', ')}, which must be approved or done first.`, {
        remediation: `Finish ${unmet[0]} first: spec-kitty implement ${unmet[0]} --mission ${mission.slug}`,
      })
    }

    const target = metaTargetBranch(mission, manifest.target_branch) ?? 'main'
    const branch = laneBranch(manifest, lane.lane_id)
    const worktree = worktreePath(root, mission.slug, lane.lane_id)
    let events: StatusEvent[] = []
    if (from === 'planned' || from === 'claimed') {
      events = planLaneMove({
        actor, doneAncestry: 'ok', force: false, from, missionId: typeof mission.meta.mission_id === 'string' ? mission.meta.mission_id : undefined, missionSlug: mission.slug, pendingSubtasks: [], reviewer: actor, to: 'in_progress', wpId,
      })
    }

    // The claim is recorded last, once the workspace is ready: a refusal before it writes no event.
    const recordClaim = (): void => {
      if (events.length === 0) return
      recordEvents(mission, events, status)
      if (autoCommit) commitFiles(mission.checkout, [eventLogPath(mission.dir), snapshotPath(mission.dir)], `chore: ${wpId} claimed for implementation`)
    }

    // Planning-artifact WPs are done in the primary checkout, as Spec Kitty does: no lane worktree.
    if (lane.lane_id === PLANNING_LANE) {
      recordClaim()
      return {
        branch: currentBranch(root) ?? 'HEAD', events, laneId: lane.lane_id, missionBranchCreated: false, status: 'primary', upstreamMerged: [], worktree: root,
      }
    }

    const reuse = laneWorktreeState(root, worktree, branch)
    if (reuse === 'reuse' && dirtyPaths(worktree).length > 0) {
      throw new CliError('worktree_dirty', `The lane worktree ${worktree} has uncommitted changes.`, {remediation: `Commit or stash them in ${worktree}, then run implement again.`})
    }

    let missionBranchCreated = false
    if (!branchExists(manifest.mission_branch, root)) {
      const tip = revParse(`refs/heads/${target}`, root)
      if (!tip) throw new CliError('target_missing', `Target branch ${target} does not exist, so the mission branch cannot be created.`, {remediation: `git branch ${target} <commit>`})
      gitOk(['branch', '--end-of-options', manifest.mission_branch, tip], root)
      missionBranchCreated = true
    }

    let created = false
    if (reuse === 'create') {
      excludeFromGit(root, '/.worktrees/')
      const args = branchExists(branch, root) ? ['worktree', 'add', '--quiet', '--end-of-options', worktree, branch] : ['worktree', 'add', '--quiet', '-b', branch, '--end-of-options', worktree, manifest.mission_branch]
      gitOk(args, root, 'worktree_failed')
      if (mission.coordination) hideStatusFiles(worktree, mission.slug)
      created = true
    }

    const upstreamMerged = mergeUpstreamLanes(root, worktree, manifest, lane)
    recordClaim()

    return {
      branch, events, laneId: lane.lane_id, missionBranchCreated, status: created ? 'created' : 'reused', upstreamMerged, worktree,
    }
  })
}
