import {join} from 'node:path'

import type {Mission} from '../mission/mission-handle.js'

import {API_VERSION, type MergePreflightContext} from '../../api/index.js'
import {git, gitReadOnly} from '../git/git.js'
import {assertConfined, isSafeSegment} from '../io/confine.js'
import {lockHolder} from '../io/file-lock.js'
import {laneBranch, readLanesManifest} from '../mission/lanes-manifest.js'
import {metaTargetBranch} from '../mission/mission-meta.js'
import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {readMissionStatus} from '../status/mission-status.js'

export type MergeStrategy = 'merge' | 'rebase' | 'squash'
export const MERGE_STRATEGIES: readonly MergeStrategy[] = ['squash', 'merge', 'rebase']

export const runtimeDir = (root: string): string => join(root, '.kittify', 'runtime', 'merge')
export const mergeLockPath = (root: string): string => join(runtimeDir(root), '__global_merge__', 'lock')
/** A merge holds its lock from start to cleanup; one of another PID namespace is trusted this long. */
export const MERGE_LOCK_STALE_AFTER_MS = 30 * 60_000
/**
 * The mission's folder under the merge runtime dir, named by its mission_id. That value comes from
 * meta.json, a file anyone can edit in a pull request, and the folder is deleted recursively by
 * `--abort` and after a merge: a value that is not one safe path segment is refused.
 */
export function missionRuntimeDir(root: string, mission: Mission): string {
  const id = mission.meta.mission_id ?? mission.slug
  if (!isSafeSegment(id)) {
    throw new CliError('invalid_meta', `${join(mission.primaryDir, 'meta.json')}: mission_id ${JSON.stringify(id)} is not a valid mission id.`, {
      remediation: `Restore meta.json from git: git checkout -- ${shellQuote(join(mission.primaryDir, 'meta.json'))}`,
    })
  }

  return join(runtimeDir(root), id)
}

/** The state file of an interrupted merge of this mission; never read or written through a link. */
export function mergeStatePath(root: string, mission: Mission): string {
  const path = join(missionRuntimeDir(root, mission), 'state.json')
  assertConfined(root, path)
  return path
}

/** The merge's private worktree; refused when a link there would lead the merge out of the project. */
export function mergeWorkspacePath(root: string, mission: Mission): string {
  const workspace = join(missionRuntimeDir(root, mission), 'workspace')
  assertConfined(root, workspace)
  return workspace
}

export const worktreePath = (root: string, missionSlug: string, laneId: string): string => join(root, '.worktrees', `${missionSlug}-${laneId}`)

export interface MergeOptions {
  push: boolean
  resume: boolean
  strategy: MergeStrategy
  target?: string
}

/** Branches and remote-tracking refs with their objects: one git call for the whole preflight. */
function readRefs(root: string): Record<string, string> {
  const listed = git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/remotes'], root)
  const refs: Record<string, string> = {}
  if (listed.code !== 0) return refs // not a usable repository: the repository check reports it
  for (const line of listed.stdout.split('\n')) {
    const space = line.indexOf(' ')
    if (space > 0) refs[line.slice(space + 1)] = line.slice(0, space)
  }

  return refs
}

/**
 * Everything the preflight checks and the executor need, read once. A missing or invalid lanes.json
 * does not throw here: it becomes the `lanes_manifest` blocker, reported with all the others.
 */
export function buildMergeContext(root: string, mission: Mission, options: MergeOptions): MergePreflightContext {
  let manifest
  let lanesManifestError: null | string = null
  try {
    manifest = readLanesManifest(mission.dir)
    if (!manifest) lanesManifestError = `${join(mission.dir, 'lanes.json')} does not exist (finalize-tasks writes it).`
  } catch (error) {
    lanesManifestError = error instanceof CliError ? error.message : String(error)
  }

  const status = readMissionStatus(mission)
  const targetBranch = options.target ?? metaTargetBranch(mission, manifest?.target_branch) ?? 'main'
  const lanes = (manifest?.lanes ?? [])
  .filter(lane => lane.lane_id !== 'lane-planning' && lane.wp_ids.length > 0)
  .map(lane => ({
    branch: laneBranch(manifest!, lane.lane_id), laneId: lane.lane_id, worktree: worktreePath(root, mission.slug, lane.lane_id), wpIds: lane.wp_ids,
  }))
  const statePath = mergeStatePath(root, mission)
  const mergeHolder = lockHolder(mergeLockPath(root), {staleAfterMs: MERGE_LOCK_STALE_AFTER_MS})
  return {
    apiVersion: API_VERSION,
    coordinationWorktree: mission.coordination?.worktree ?? null,
    git: (args, cwd = root) => gitReadOnly(args, cwd),
    lanes,
    lanesManifestError,
    mergeLockHolder: mergeHolder === undefined ? null : (mergeHolder.pid ?? 0),
    mergeLockPath: mergeLockPath(root),
    missionBranch: manifest?.mission_branch ?? `kitty/mission-${mission.slug}`,
    missionDir: mission.dir,
    missionSlug: mission.slug,
    push: options.push,
    refs: readRefs(root),
    repoRoot: root,
    shellQuote,
    resume: options.resume,
    statePath,
    strategy: options.strategy,
    targetBranch,
    wpLanes: Object.fromEntries([...status.workPackages].map(([wp, state]) => [wp, state.lane])),
  }
}
