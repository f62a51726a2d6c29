import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../core/output/render.js'

import {SpecKittyCommand} from '../base-command.js'
import {preflightChecks, publishLifecycleEvents} from '../contributions.js'
import {assertWorkingRepository} from '../core/git/repository.js'
import {pythonIsoTimestamp} from '../core/io/clock.js'
import {
  buildMergeContext, MERGE_STRATEGIES, mergeStatePath, type MergeStrategy,
} from '../core/merge/merge-context.js'
import {abortMerge, executeMerge} from '../core/merge/merge-executor.js'
import {mergeDocument, mergeHumanLines} from '../core/merge/merge-report.js'
import {assertResumeFlags, hasLanded, readMergeState} from '../core/merge/merge-state.js'
import {
  alreadyMergedReport, isAlreadyMerged, landedMergeReport, runPreflight,
} from '../core/merge/preflight.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {CliError} from '../core/output/cli-error.js'
import {ExitCode} from '../core/output/exit-codes.js'
import {shellQuote} from '../core/output/shell-quote.js'
import {readProjectConfig} from '../core/project/project-config.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {featureCompleted, laneChangeEvents} from '../core/status/lifecycle-events.js'
import {branchFlag, missionFlag} from '../flags.js'

export default class Merge extends SpecKittyCommand {
  static description = `Merges every lane branch into the mission branch (merge commits), then the mission branch into the target (squash by default), records done for the merged work packages, and removes lane worktrees and branches.

Before anything moves, every preflight check runs (from plugin-merge and any installed plugin): repository state, target branch, lanes.json, mission branch, lane branches, uncommitted changes, work packages approved, target vs origin, a conflict forecast (git merge-tree) and other merges. --dry-run runs exactly the same checks and writes nothing; if it says ready, the real merge proceeds. If any blocker stands, the real merge prints the same report and exits 1 before its first irreversible step.

An interrupted merge continues with --resume or is discarded with --abort (refs are never rewound).`
  static examples = [
    '<%= config.bin %> merge --mission demo-widgets-01J9ZK3M --dry-run --json',
    '<%= config.bin %> merge --mission demo-widgets-01J9ZK3M',
    '<%= config.bin %> merge --mission demo-widgets-01J9ZK3M --strategy merge --push',
    '<%= config.bin %> merge --mission demo-widgets-01J9ZK3M --resume',
  ]
  static flags = {
    abort: Flags.boolean({default: false, description: 'Discard an interrupted merge (state, workspace, lock).', exclusive: ['resume', 'dry-run']}),
    'dry-run': Flags.boolean({default: false, description: 'Run every preflight check and show the plan; change nothing.'}),
    'keep-branch': Flags.boolean({default: false, description: 'Keep the lane and mission branches after merging.'}),
    'keep-worktree': Flags.boolean({default: false, description: 'Keep the lane worktrees after merging.'}),
    mission: missionFlag,
    push: Flags.boolean({default: false, description: 'Push the target branch to origin afterwards (the target must not be behind origin).'}),
    resume: Flags.boolean({default: false, description: 'Continue an interrupted merge.'}),
    strategy: Flags.string({description: 'How the mission branch lands on the target (default: merge.strategy in .kittify/config.yaml, else squash).', options: [...MERGE_STRATEGIES]}),
    target: branchFlag('--target', 'Branch to land on (default: target_branch in meta.json).'),
  }
  static summary = 'Land a mission on its target branch.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(Merge)
    const {root, worktree} = findProjectRoot(process.cwd())
    if (worktree) throw new CliError('inside_worktree', `merge runs in the primary checkout, not in the worktree ${worktree}.`, {remediation: `cd ${shellQuote(root)}`})
    const mission = resolveMission(root, flags.mission)
    // The dry run and the real merge refuse the same unusable repositories, with the same error.
    assertWorkingRepository(root, {needsCommit: true})
    const configured = readProjectConfig(root).merge?.strategy
    if (!flags.strategy && configured && !(MERGE_STRATEGIES as readonly string[]).includes(configured)) {
      throw new CliError('invalid_config', `merge.strategy "${configured}" in .kittify/config.yaml is not one of ${MERGE_STRATEGIES.join(', ')}.`, {remediation: 'Fix .kittify/config.yaml or pass --strategy.'})
    }

    const interrupted = flags.resume ? readMergeState(mergeStatePath(root, mission)) : undefined
    if (flags.resume && !interrupted) {
      throw new CliError('nothing_to_resume', 'No interrupted merge to resume.', {remediation: `Start one: spec-kitty merge --mission ${mission.slug}`})
    }

    // A resumed merge finishes the way it started: strategy and target come from its state file.
    if (interrupted) assertResumeFlags(interrupted, flags, mission.slug)
    const strategy = interrupted?.strategy ?? ((flags.strategy ?? configured ?? 'squash') as MergeStrategy)
    const ctx = buildMergeContext(root, mission, {
      push: flags.push || interrupted?.push === true, resume: flags.resume, strategy, target: interrupted?.target_branch ?? flags.target,
    })
    if (flags.abort) {
      const aborted = abortMerge(root, mission, ctx)
      return {document: {aborted: true, had_state: aborted.had_state, mission_slug: mission.slug}, exitCode: ExitCode.ok, human: [aborted.had_state ? `Discarded the interrupted merge of ${mission.slug}.` : 'No interrupted merge to discard; cleared any leftovers.']}
    }

    const report = interrupted && hasLanded(interrupted)
      ? landedMergeReport(ctx.targetBranch)
      : (!interrupted && isAlreadyMerged(ctx) ? alreadyMergedReport(ctx) : await runPreflight(await preflightChecks(this.config), ctx))
    if (flags['dry-run'] || !report.ready) {
      return {document: mergeDocument(report, ctx, flags['dry-run']), exitCode: report.ready || report.alreadyMerged ? ExitCode.ok : ExitCode.failed, human: mergeHumanLines(report, ctx, flags['dry-run'])}
    }

    const {events, result} = executeMerge(root, mission, ctx, {keepBranch: flags['keep-branch'], keepWorktree: flags['keep-worktree']})
    const totalWps = new Set(ctx.lanes.flatMap(lane => lane.wpIds)).size
    await publishLifecycleEvents(this.config, root, [...laneChangeEvents(root, mission, events), featureCompleted(root, mission.slug, totalWps, pythonIsoTimestamp())])
    return {document: mergeDocument(report, ctx, false, result), exitCode: ExitCode.ok, human: mergeHumanLines(report, ctx, false, result)}
  }
}
