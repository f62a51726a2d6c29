import {
  existsSync, mkdirSync, realpathSync, renameSync, unlinkSync,
} from 'node:fs'
import {dirname, join} from 'node:path'

import type {MergePreflightContext} from '../../api/index.js'
import type {Mission} from '../mission/mission-handle.js'
import type {StatusEvent} from '../status/status-event.js'

import {commitFiles} from '../git/auto-commit.js'
import {excludeFromGit} from '../git/exclude.js'
import {
  currentBranch, git, gitOk, revParse,
} from '../git/git.js'
import {listWorktrees} from '../git/worktrees.js'
import {newUlid, pythonIsoTimestamp} from '../io/clock.js'
import {assertConfined, removeRuntimeTree} from '../io/confine.js'
import {acquireLock} from '../io/file-lock.js'
import {assertWritable} from '../io/writable.js'
import {isPublishedCopy} from '../mission/coordination.js'
import {listMissions} from '../mission/mission-handle.js'
import {withMissionLock} from '../mission/mission-lock.js'
import {missionNumber, readMissionMeta, writeMissionMeta} from '../mission/mission-meta.js'
import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {readMissionStatus, recordEvents} from '../status/mission-status.js'
import {MERGE_LOCK_STALE_AFTER_MS, mergeWorkspacePath} from './merge-context.js'
import {
  bookkeepingFiles, clearMergeState, hasLanded, type MergeState, readMergeState, writeMergeState,
} from './merge-state.js'

export interface MergeResult {
  cleanup: {branches_deleted: string[]; worktrees_removed: string[]}
  done_events: string[]
  lanes_merged: string[]
  mission_number: null | number
  pushed: boolean
  target_after: string
  target_before: string
  warnings: string[]
}

export interface ExecuteOptions {
  keepBranch: boolean
  keepWorktree: boolean
}

/** Where the target branch is checked out, so its files follow the ref when it moves. */
function checkoutOf(root: string, branch: string): string | undefined {
  return listWorktrees(root).find(worktree => worktree.branch === branch)?.path
}

/**
 * The merge's private worktree. One left by an interrupted run may hold a half-done merge, rebase or
 * squash, or be half created; every step restarts from a ref, so leftovers are discarded.
 */
function prepareWorkspace(root: string, workspace: string, missionBranch: string): void {
  const top = existsSync(workspace) ? git(['rev-parse', '--show-toplevel'], workspace) : undefined
  if (top?.code === 0 && realpathSync(top.stdout.trim()) === realpathSync(workspace)) {
    git(['merge', '--abort'], workspace)
    git(['rebase', '--abort'], workspace)
    gitOk(['reset', '--hard', '--quiet'], workspace, 'merge_workspace_failed')
    gitOk(['clean', '-fdq'], workspace, 'merge_workspace_failed')
    return
  }

  // Missing, or killed while `git worktree add` was creating it: start it again.
  removeRuntimeTree(root, workspace)
  git(['worktree', 'prune'], root)
  gitOk(['worktree', 'add', '--quiet', '--detach', '--end-of-options', workspace, missionBranch], root, 'merge_workspace_failed')
}

/**
 * Move a branch from `from` to `to`. Where it is checked out (the target in the primary checkout, the
 * coordination branch in its worktree), fast-forward there so the files follow; git refuses rather
 * than overwrite anything (the preflight made sure those checkouts are clean). Elsewhere, a
 * compare-and-swap of the ref.
 */
function moveBranch(root: string, branch: string, to: string, from: string, code: string): void {
  const checkout = checkoutOf(root, branch)
  if (checkout) gitOk(['merge', '--ff-only', '--quiet', to], checkout, code)
  else gitOk(['update-ref', `refs/heads/${branch}`, to, from], root, code)
}

/**
 * The primary checkout may hold the mission's planning copy untracked (a coordination mission
 * commits it to its own branch only), and the merge brings the committed copy. An untracked file
 * that is what the mission published, or what it merged, is removed so git can check the merged one
 * out; one that differs from both (edited after publishing) is moved to `keptDir` and reported,
 * never lost. Files outside the mission's folder are left to the preflight.
 */
function replacePlanningCopy(checkout: string, mission: Mission, commits: {after: string; before: string; missionTip: string}, keptDir: string): string[] {
  const {after, before, missionTip} = commits
  const folder = `kitty-specs/${mission.slug}/`
  const incoming = new Set(gitOk(['diff', '--name-only', '--no-renames', '--diff-filter=A', before, after, '--', folder], checkout).split('\n').filter(Boolean))
  const untracked = gitOk(['ls-files', '--others', '--exclude-standard', '--', folder], checkout).split('\n').filter(path => incoming.has(path))
  const warnings: string[] = []
  for (const path of untracked) {
    const file = join(checkout, path)
    assertConfined(checkout, file)
    const merged = git(['rev-parse', '--verify', '--quiet', `${after}:${path}`], checkout).stdout.trim()
    // What the mission published (found on the mission branch: a squash does not carry that commit), or what it merged.
    if (isPublishedCopy(checkout, missionTip, path, file, [merged])) {
      unlinkSync(file)
      continue
    }

    const kept = join(keptDir, path)
    mkdirSync(dirname(kept), {recursive: true})
    renameSync(file, kept)
    warnings.push(`${path} was untracked in ${checkout} and differed from the merged copy; it is kept in ${kept}.`)
  }

  return warnings
}

function inWorkspace(workspace: string, args: string[], code = 'merge_failed'): string {
  return gitOk(args, workspace, code)
}

/**
 * A merge, squash or rebase in the workspace. Its failure is a conflict only when git left unmerged
 * paths; anything else (a hook that declined, a ref git cannot read) is `merge_failed` in git's
 * own words, so nobody goes looking for a conflict that is not there.
 */
function mergeStep(workspace: string, args: string[], messages: {conflict: string; what: string}): void {
  const result = git(args, workspace)
  if (result.code === 0) return
  const unmerged = git(['diff', '--name-only', '--diff-filter=U'], workspace).stdout.split('\n').filter(Boolean)
  git([args[0], '--abort'], workspace)
  const words = (result.stdout + result.stderr).trim().split('\n').slice(-3).join(' ')
  if (unmerged.length > 0) {
    throw new CliError('merge_conflict', `${messages.what} conflicts in ${unmerged.join(', ')}: ${words}`, {fields: {conflicting_files: unmerged}, remediation: messages.conflict})
  }

  throw new CliError('merge_failed', `${messages.what} failed: ${words}`, {remediation: `Run it yourself to see what git needs: cd ${shellQuote(workspace)} && git ${args.map(arg => shellQuote(arg)).join(' ')}`})
}

/** max+1 over the integer mission numbers of every mission in the working tree (upstream's rule). */
function nextMissionNumber(root: string): number {
  let max = 0
  // Through listMissions: a mission whose meta.json is corrupt counts as having no number.
  for (const mission of listMissions(root)) {
    const number = missionNumber(mission.meta)
    if (number !== null && number > max) max = number
  }

  return max + 1
}

/**
 * The real merge, after the same preflight as the dry run has passed. Every irreversible step is
 * followed by a state write, so `--resume` continues where a crash stopped and never repeats a step.
 * Refs move with compare-and-swap (`update-ref <new> <old>`) or fast-forward only.
 */
export function executeMerge(root: string, mission: Mission, ctx: MergePreflightContext, options: ExecuteOptions): {events: StatusEvent[]; result: MergeResult} {
  excludeFromGit(root, '/.kittify/runtime/')
  const release = acquireLock(ctx.mergeLockPath, {staleAfterMs: MERGE_LOCK_STALE_AFTER_MS, timeoutMs: 2000, what: 'merge'})
  try {
    const now = new Date().toISOString()
    const state: MergeState = readMergeState(ctx.statePath) ?? {
      completed_lanes: [],
      mission_branch: ctx.missionBranch,
      mission_slug: mission.slug,
      phase: 'lanes',
      push: ctx.push,
      started_at: now,
      strategy: ctx.strategy,
      target_after: null,
      target_before: null,
      target_branch: ctx.targetBranch,
      updated_at: now,
    }
    const workspace = mergeWorkspacePath(root, mission)
    const warnings: string[] = []
    const lanesMerged: string[] = []
    writeMergeState(ctx.statePath, state)

    if (state.phase === 'lanes' || state.phase === 'target') prepareWorkspace(root, workspace, ctx.missionBranch)

    if (state.phase === 'lanes') {
      inWorkspace(workspace, ['checkout', '--quiet', '--detach', ctx.missionBranch])
      for (const lane of ctx.lanes) {
        if (state.completed_lanes.includes(lane.laneId)) continue
        const before = inWorkspace(workspace, ['rev-parse', 'HEAD']).trim()
        mergeStep(workspace, ['merge', '--no-ff', '--no-edit', '-m', `Merge ${lane.branch} into ${ctx.missionBranch}`, '--end-of-options', lane.branch], {
          conflict: `Resolve the conflict on ${lane.branch}, then: spec-kitty merge --mission ${mission.slug} --resume`,
          what: `Merging ${lane.branch} into ${ctx.missionBranch}`,
        })

        const after = inWorkspace(workspace, ['rev-parse', 'HEAD']).trim()
        if (after !== before) moveBranch(root, ctx.missionBranch, after, before, 'merge_failed')
        state.completed_lanes.push(lane.laneId)
        lanesMerged.push(lane.laneId)
        writeMergeState(ctx.statePath, state)
      }

      state.phase = 'target'
      writeMergeState(ctx.statePath, state)
    }

    if (state.phase === 'target') {
      const targetBefore = revParse(`refs/heads/${ctx.targetBranch}`, root)!
      state.target_before ??= targetBefore
      const missionTip = revParse(`refs/heads/${ctx.missionBranch}`, root)!
      const resolveOnMission = `Merge ${ctx.targetBranch} into ${ctx.missionBranch} and resolve the conflict there, then: spec-kitty merge --mission ${mission.slug} --resume`
      if (ctx.strategy === 'rebase') {
        inWorkspace(workspace, ['checkout', '--quiet', '--detach', missionTip])
        mergeStep(workspace, ['rebase', '--quiet', targetBefore], {conflict: resolveOnMission, what: `Rebasing ${ctx.missionBranch} onto ${ctx.targetBranch}`})
      } else {
        inWorkspace(workspace, ['checkout', '--quiet', '--detach', targetBefore])
        if (ctx.strategy === 'squash') {
          mergeStep(workspace, ['merge', '--squash', '--quiet', '--end-of-options', ctx.missionBranch], {conflict: resolveOnMission, what: `Squashing ${ctx.missionBranch} onto ${ctx.targetBranch}`})
          if (git(['diff', '--cached', '--quiet'], workspace).code !== 0) inWorkspace(workspace, ['commit', '--quiet', '--no-verify', '-m', `feat(${ctx.missionBranch}): squash merge of mission`])
        } else {
          mergeStep(workspace, ['merge', '--no-ff', '--quiet', '-m', `Merge ${ctx.missionBranch} into ${ctx.targetBranch}`, '--end-of-options', ctx.missionBranch], {conflict: resolveOnMission, what: `Merging ${ctx.missionBranch} into ${ctx.targetBranch}`})
        }
      }

      const targetAfter = inWorkspace(workspace, ['rev-parse', 'HEAD']).trim()
      const checkout = checkoutOf(root, ctx.targetBranch)
      // Kept outside the merge's runtime folder, which is removed when the merge is done.
      if (checkout) warnings.push(...replacePlanningCopy(checkout, mission, {after: targetAfter, before: targetBefore, missionTip}, join(root, '.kittify', 'runtime', 'replaced', `${mission.slug}-${Date.now()}`)))
      moveBranch(root, ctx.targetBranch, targetAfter, targetBefore, 'target_update_failed')
      state.target_after = targetAfter
      state.phase = 'bookkeeping'
      writeMergeState(ctx.statePath, state)
      git(['worktree', 'remove', '--force', workspace], root)
    }

    let doneEvents: StatusEvent[] = []
    let number: null | number = missionNumber(mission.meta)
    if (state.phase === 'bookkeeping') {
      ({doneEvents, number} = recordMergeBookkeeping(root, mission, ctx, state, warnings))
      state.phase = 'cleanup'
      writeMergeState(ctx.statePath, state)
    }

    const cleanup = cleanUp(root, ctx, options, warnings)
    let pushed = false
    if (state.push) {
      const push = git(['push', '--quiet', '--end-of-options', 'origin', ctx.targetBranch], root)
      pushed = push.code === 0
      if (!pushed) warnings.push(`git push origin ${ctx.targetBranch} failed: ${push.stderr.trim()} — the merge is done locally; push again when origin accepts it.`)
    }

    clearMergeState(root, ctx.statePath)
    return {
      events: doneEvents,
      result: {
        cleanup, done_events: doneEvents.map(e => e.wp_id), lanes_merged: lanesMerged, mission_number: number, pushed, target_after: state.target_after!, target_before: state.target_before!, warnings,
      },
    }
  } finally {
    release()
  }
}

/** Approved WPs become done (actor merge), meta gets its number and baseline; committed to the target. */
function recordMergeBookkeeping(root: string, merged: Mission, ctx: MergePreflightContext, state: MergeState, warnings: string[]): {doneEvents: StatusEvent[]; number: null | number} {
  // The target now holds the mission's whole history, the coordination branch's included: the
  // bookkeeping is written there, in the primary checkout.
  const mission: Mission = {
    ...merged, checkout: root, coordination: undefined, dir: merged.primaryDir,
  }
  return withMissionLock(mission, () => {
    assertWritable(bookkeepingFiles(mission.dir))
    const status = readMissionStatus(mission)
    const wpIds = [...new Set(ctx.lanes.flatMap(lane => lane.wpIds))]
    const events: StatusEvent[] = wpIds
    .filter(wp => status.workPackages.get(wp)?.lane === 'approved')
    .map(wp => ({
      actor: 'merge',
      at: pythonIsoTimestamp(),
      event_id: newUlid(),
      evidence: {review: {reference: `lane-approved:${wp}`, reviewer: 'merge', verdict: 'approved'}},
      execution_mode: 'worktree',
      force: false,
      from_lane: 'approved',
      ...(typeof mission.meta.mission_id === 'string' ? {mission_id: mission.meta.mission_id} : {}),
      mission_slug: mission.slug,
      policy_metadata: {merge_phase: 'lane_integrated', target_branch: ctx.targetBranch},
      reason: `Merged ${wp} into ${ctx.targetBranch}`,
      review_ref: null,
      to_lane: 'done',
      wp_id: wp,
    }))
    if (events.length > 0) recordEvents(mission, events, status)
    const meta = readMissionMeta(mission.dir) ?? mission.meta
    const number = missionNumber(meta) ?? nextMissionNumber(root)
    writeMissionMeta(mission.dir, {...meta, baseline_merge_commit: state.target_before, mission_number: number})
    const files = bookkeepingFiles(mission.dir)
    if (currentBranch(root) === ctx.targetBranch) commitFiles(root, files, `chore(${mission.slug}): record done transitions for merged WPs`)
    else warnings.push(`The done events and meta.json were written in ${root} but not committed: ${ctx.targetBranch} is not checked out there.`)
    return {doneEvents: events, number}
  })
}

function cleanUp(root: string, ctx: MergePreflightContext, options: ExecuteOptions, warnings: string[]): MergeResult['cleanup'] {
  const worktreesRemoved: string[] = []
  const branchesDeleted: string[] = []
  if (!options.keepWorktree) {
    // The coordination worktree too: its branch has landed, and a branch checked out cannot be deleted.
    for (const worktree of [...ctx.lanes.map(lane => lane.worktree), ...(ctx.coordinationWorktree ? [ctx.coordinationWorktree] : [])]) {
      if (!existsSync(worktree)) continue
      // No --force: a worktree with changes is kept and reported, never wiped.
      const removed = git(['worktree', 'remove', worktree], root)
      if (removed.code === 0) worktreesRemoved.push(worktree)
      else warnings.push(`Kept ${worktree}: ${removed.stderr.trim()}`)
    }
  }

  if (!options.keepBranch) {
    for (const branch of [...ctx.lanes.map(lane => lane.branch), ctx.missionBranch]) {
      if (!revParse(`refs/heads/${branch}`, root)) continue
      const deleted = git(['branch', '-D', '--end-of-options', branch], root)
      if (deleted.code === 0) branchesDeleted.push(branch)
      else warnings.push(`Kept branch ${branch}: ${deleted.stderr.trim()}`)
    }
  }

  git(['worktree', 'prune'], root)
  return {branches_deleted: branchesDeleted, worktrees_removed: worktreesRemoved}
}

/** `--abort`: drop the state, the temporary workspace and the lock. Refs are never rewound. */
export function abortMerge(root: string, mission: Mission, ctx: MergePreflightContext): {had_state: boolean} {
  // Under the merge lock: a merge running right now must not lose its workspace and state.
  const release = acquireLock(ctx.mergeLockPath, {staleAfterMs: MERGE_LOCK_STALE_AFTER_MS, timeoutMs: 2000, what: 'merge'})
  try {
    const hadState = existsSync(ctx.statePath)
    const state = readMergeState(ctx.statePath)
    if (state && hasLanded(state)) {
      // The target already holds the mission; discarding now would strand its uncommitted bookkeeping.
      throw new CliError('merge_already_landed', `The interrupted merge of ${mission.slug} already moved ${state.target_branch}; only its bookkeeping and cleanup are left.`, {
        remediation: `Finish it: spec-kitty merge --mission ${mission.slug} --resume`,
      })
    }

    const workspace = mergeWorkspacePath(root, mission)
    if (existsSync(workspace)) {
      git(['merge', '--abort'], workspace)
      git(['rebase', '--abort'], workspace)
      git(['worktree', 'remove', '--force', workspace], root)
    }

    clearMergeState(root, ctx.statePath)
    git(['worktree', 'prune'], root)
    return {had_state: hadState}
  } finally {
    release()
  }
}
