import {spawn} from 'node:child_process'
import {join} from 'node:path'

import type {Mission} from '../mission/mission-handle.js'

import {API_VERSION, type MergePreflightContext} from '../../api/index.js'
import {laneBranch, readLanesManifest} from '../mission/lanes-manifest.js'
import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {readMissionStatus} from '../status/mission-status.js'

export type MergeStrategy = 'merge' | 'rebase' | 'squash'
export const MERGE_STRATEGIES: readonly MergeStrategy[] = ['squash', 'merge', 'rebase']

export const runtimeDir = (root: string): string => join(root, '.kittify', 'runtime', 'merge')
export const mergeLockPath = (root: string): string => join(runtimeDir(root), '__global_merge__', 'lock')
export const missionRuntimeDir = (root: string, mission: Mission): string => join(runtimeDir(root), String(mission.meta.mission_id ?? mission.slug))
export const worktreePath = (root: string, missionSlug: string, laneId: string): string => join(root, '.worktrees', `${missionSlug}-${laneId}`)

export interface MergeOptions {
  push: boolean
  resume: boolean
  strategy: MergeStrategy
  target?: string
}

/** Read-only git for checks: async, never throws, never prompts. */
function readOnlyGit(root: string): MergePreflightContext['git'] {
  return (args, cwd = root) =>
    new Promise(done => {
      const child = spawn('git', args, {
        cwd, env: {
          ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C',
        },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', chunk => {
        stdout += chunk
      })
      child.stderr.on('data', chunk => {
        stderr += chunk
      })
      child.on('error', error => done({code: 127, stderr: error.message, stdout}))
      child.on('close', code => done({code: code ?? 1, stderr, stdout}))
    })
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
  const targetBranch = options.target ?? (typeof mission.meta.target_branch === 'string' ? mission.meta.target_branch : undefined) ?? manifest?.target_branch ?? 'main'
  const lanes = (manifest?.lanes ?? [])
  .filter(lane => lane.lane_id !== 'lane-planning' && lane.wp_ids.length > 0)
  .map(lane => ({
    branch: laneBranch(manifest!, lane.lane_id), laneId: lane.lane_id, worktree: worktreePath(root, mission.slug, lane.lane_id), wpIds: lane.wp_ids,
  }))
  const statePath = join(missionRuntimeDir(root, mission), 'state.json')
  return {
    apiVersion: API_VERSION,
    git: readOnlyGit(root),
    lanes,
    lanesManifestError,
    mergeLockPath: mergeLockPath(root),
    missionBranch: manifest?.mission_branch ?? `kitty/mission-${mission.slug}`,
    missionDir: mission.dir,
    missionSlug: mission.slug,
    push: options.push,
    repoRoot: root,
    shellQuote,
    resume: options.resume,
    statePath,
    strategy: options.strategy,
    targetBranch,
    wpLanes: Object.fromEntries([...status.workPackages].map(([wp, state]) => [wp, state.lane])),
  }
}
