import type {MergePreflightContext, PreflightCheck} from '../api/index.js'
import type {Mission} from '../core/mission/mission-handle.js'
import type {StatusEvent} from '../core/status/status-event.js'

import {assertWorkingRepository} from '../core/git/repository.js'
import {
  buildMergeContext, MERGE_STRATEGIES, mergeStatePath, type MergeStrategy,
} from '../core/merge/merge-context.js'
import {abortMerge, executeMerge, type MergeResult} from '../core/merge/merge-executor.js'
import {assertResumeFlags, hasLanded, readMergeState} from '../core/merge/merge-state.js'
import {
  alreadyMergedReport, isAlreadyMerged, landedMergeReport, type PreflightReport, runPreflight,
} from '../core/merge/preflight.js'
import {CliError} from '../core/output/cli-error.js'
import {readProjectConfig} from '../core/project/project-config.js'

export interface MergeRequest {
  abort: boolean
  dryRun: boolean
  keepBranch: boolean
  keepWorktree: boolean
  push: boolean
  resume: boolean
  strategy?: string
  target?: string
}

export type MergeRun
  = {ctx: MergePreflightContext; events: StatusEvent[]; kind: 'landed'; report: PreflightReport; result: MergeResult} | {ctx: MergePreflightContext; kind: 'report'; report: PreflightReport} | {hadState: boolean; kind: 'aborted'}

/**
 * `merge`'s policy: the strategy (flag, else config, else squash), resume and abort of an
 * interrupted merge (a resumed merge finishes the way it started), the same preflight for the dry
 * run and the real merge, and the merge itself only when nothing blocks it.
 */
export async function runMerge(root: string, mission: Mission, request: MergeRequest, checks: () => Promise<Array<PreflightCheck & {plugin: string}>>): Promise<MergeRun> {
  // The dry run and the real merge refuse the same unusable repositories, with the same error.
  assertWorkingRepository(root, {needsCommit: true})
  const configured = readProjectConfig(root).merge?.strategy
  if (!request.strategy && configured && !(MERGE_STRATEGIES as readonly string[]).includes(configured)) {
    throw new CliError('invalid_config', `merge.strategy "${configured}" in .kittify/config.yaml is not one of ${MERGE_STRATEGIES.join(', ')}.`, {remediation: 'Fix .kittify/config.yaml or pass --strategy.'})
  }

  const interrupted = request.resume ? readMergeState(mergeStatePath(root, mission)) : undefined
  if (request.resume && !interrupted) {
    throw new CliError('nothing_to_resume', 'No interrupted merge to resume.', {remediation: `Start one: spec-kitty merge --mission ${mission.slug}`})
  }

  // A resumed merge finishes the way it started: strategy and target come from its state file.
  if (interrupted) assertResumeFlags(interrupted, request, mission.slug)
  const strategy = interrupted?.strategy ?? ((request.strategy ?? configured ?? 'squash') as MergeStrategy)
  const ctx = buildMergeContext(root, mission, {
    push: request.push || interrupted?.push === true, resume: request.resume, strategy, target: interrupted?.target_branch ?? request.target,
  })
  if (request.abort) return {hadState: abortMerge(root, mission, ctx).had_state, kind: 'aborted'}
  const report = interrupted && hasLanded(interrupted)
    ? landedMergeReport(ctx.targetBranch)
    : (!interrupted && isAlreadyMerged(ctx) ? alreadyMergedReport(ctx) : await runPreflight(await checks(), ctx))
  if (request.dryRun || !report.ready) return {ctx, kind: 'report', report}
  const {events, result} = executeMerge(root, mission, ctx, {keepBranch: request.keepBranch, keepWorktree: request.keepWorktree})
  return {
    ctx, events, kind: 'landed', report, result,
  }
}
