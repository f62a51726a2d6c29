import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../core/output/render.js'

import {runMerge} from '../app/merge-run.js'
import {SpecKittyCommand} from '../base-command.js'
import {preflightChecks, publishLifecycleEvents} from '../contributions.js'
import {pythonIsoTimestamp} from '../core/io/clock.js'
import {MERGE_STRATEGIES} from '../core/merge/merge-context.js'
import {mergeDocument, mergeHumanLines} from '../core/merge/merge-report.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {CliError} from '../core/output/cli-error.js'
import {ExitCode} from '../core/output/exit-codes.js'
import {shellQuote} from '../core/output/shell-quote.js'
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
    const run = await runMerge(root, mission, {
      abort: flags.abort, dryRun: flags['dry-run'], keepBranch: flags['keep-branch'], keepWorktree: flags['keep-worktree'], push: flags.push, resume: flags.resume, strategy: flags.strategy, target: flags.target,
    }, () => preflightChecks(this.hooks))
    if (run.kind === 'aborted') {
      return {document: {aborted: true, had_state: run.hadState, mission_slug: mission.slug}, exitCode: ExitCode.ok, human: [run.hadState ? `Discarded the interrupted merge of ${mission.slug}.` : 'No interrupted merge to discard; cleared any leftovers.']}
    }

    const {ctx, report} = run
    if (run.kind === 'report') {
      return {document: mergeDocument(report, ctx, flags['dry-run']), exitCode: report.ready || report.alreadyMerged ? ExitCode.ok : ExitCode.failed, human: mergeHumanLines(report, ctx, flags['dry-run'])}
    }

    const totalWps = new Set(ctx.lanes.flatMap(lane => lane.wpIds)).size
    await publishLifecycleEvents(this.hooks, root, [...laneChangeEvents(root, mission, run.events), featureCompleted(root, mission.slug, totalWps, pythonIsoTimestamp())])
    return {document: mergeDocument(report, ctx, false, run.result), exitCode: ExitCode.ok, human: mergeHumanLines(report, ctx, false, run.result)}
  }
}
