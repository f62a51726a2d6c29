import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {branchFromFile} from '../git/branch-name.js'
import {writeFileAtomic} from '../io/atomic-write.js'
import {removeRuntimeTree} from '../io/confine.js'
import {CliError, usageError} from '../output/cli-error.js'
import {eventLogPath} from '../status/event-log.js'
import {snapshotPath} from '../status/status-snapshot.js'
import {MERGE_STRATEGIES, type MergeStrategy} from './merge-context.js'

export type MergePhase = 'bookkeeping' | 'cleanup' | 'lanes' | 'target'

/** What an interrupted merge needs to resume: written after every irreversible step. */
export interface MergeState {
  completed_lanes: string[]
  mission_branch: string
  mission_slug: string
  phase: MergePhase
  push: boolean
  started_at: string
  strategy: MergeStrategy
  target_after: null | string
  target_before: null | string
  target_branch: string
  updated_at: string
}

/** The files the bookkeeping phase writes in the primary checkout, then commits. */
export function bookkeepingFiles(missionDir: string): string[] {
  return [eventLogPath(missionDir), snapshotPath(missionDir), join(missionDir, 'meta.json')]
}

/** True once the target has moved: from then on the merge can only be finished, not discarded. */
export const hasLanded = (state: MergeState): boolean => state.phase === 'bookkeeping' || state.phase === 'cleanup'

const PHASES = new Set<MergePhase>(['bookkeeping', 'cleanup', 'lanes', 'target'])

export function readMergeState(path: string): MergeState | undefined {
  if (!existsSync(path)) return undefined
  const invalid = (why: string): CliError => new CliError('invalid_merge_state', `${path} ${why}`, {remediation: 'Discard the interrupted merge: spec-kitty merge --mission <slug> --abort'})
  let state: MergeState
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as MergeState
  } catch (error) {
    throw invalid(`is not valid JSON: ${(error as Error).message}`)
  }

  if (typeof state !== 'object' || state === null || !PHASES.has(state.phase) || !Array.isArray(state.completed_lanes)) throw invalid('is not a merge state.')
  if (!(MERGE_STRATEGIES as readonly unknown[]).includes(state.strategy)) throw invalid(`names an unknown strategy ${JSON.stringify(state.strategy)}.`)
  // Its branch names reach git like those of lanes.json: the same rule.
  branchFromFile(state.mission_branch, path, 'mission_branch', 'invalid_merge_state')
  branchFromFile(state.target_branch, path, 'target_branch', 'invalid_merge_state')
  return state
}

export function writeMergeState(path: string, state: MergeState): void {
  mkdirSync(dirname(path), {recursive: true})
  writeFileAtomic(path, JSON.stringify({...state, updated_at: new Date().toISOString()}, null, 2) + '\n')
}

/** Delete the mission's runtime folder (state and workspace): only ever below .kittify/runtime/. */
export function clearMergeState(root: string, path: string): void {
  removeRuntimeTree(root, dirname(path))
}

/** Flags that contradict the interrupted merge's state are refused rather than silently ignored. */
export function assertResumeFlags(state: MergeState, flags: {strategy?: string; target?: string}, slug: string): void {
  for (const [flag, given, saved] of [['--strategy', flags.strategy, state.strategy], ['--target', flags.target, state.target_branch]] as const) {
    if (given !== undefined && given !== saved) {
      throw usageError('resume_conflict', `The interrupted merge of ${slug} was started with ${flag} ${saved}; it cannot be resumed with ${flag} ${given}.`, `Resume it as it started (spec-kitty merge --mission ${slug} --resume), or discard it first (--abort).`)
    }
  }
}
