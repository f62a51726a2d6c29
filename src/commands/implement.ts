import {Args, Flags} from '@oclif/core'

import type {CommandOutcome} from '../core/output/render.js'

import {SpecKittyCommand} from '../base-command.js'
import {publishLifecycleEvents} from '../contributions.js'
import {implementWorkPackage} from '../core/mission/implement.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {CliError, usageError} from '../core/output/cli-error.js'
import {shellQuote} from '../core/output/shell-quote.js'
import {autoCommitDefault, readProjectConfig} from '../core/project/project-config.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {laneChangeEvents} from '../core/status/lifecycle-events.js'
import {WORK_PACKAGE_ID} from '../core/tasks/task-id.js'
import {autoCommitFlag, missionFlag} from '../flags.js'

export default class Implement extends SpecKittyCommand {
  static args = {wp: Args.string({description: 'Work package id, e.g. WP01.', required: true})}
  static description = `Creates (or reuses, when clean) the lane worktree .worktrees/<slug>-<lane> on branch <mission_branch>-<lane>, branching from the mission branch, which is created from the target tip if it does not exist yet. Then records planned → claimed → in_progress as one batch.

Refused inside a worktree, for a WP without canonical status, for a WP in no lane, and while a dependency is not approved or done; a refusal changes nothing.`
  static examples = ['<%= config.bin %> implement WP01 --mission demo-widgets-01J9ZK3M --agent claude --json']
  static flags = {
    agent: Flags.string({description: 'Who implements it (default: user).'}),
    'auto-commit': autoCommitFlag,
    mission: missionFlag,
  }
  static summary = 'Start a work package in its lane worktree.'

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parseInput(Implement)
    const wpId = args.wp.toUpperCase()
    if (!WORK_PACKAGE_ID.test(wpId)) throw usageError('invalid_wp_id', `"${args.wp}" is not a work package id.`, 'Pass an id like WP01.')
    const {root, worktree} = findProjectRoot(process.cwd())
    if (worktree) throw new CliError('inside_worktree', `Run implement from the primary checkout, not from the worktree ${worktree}.`, {remediation: `cd ${shellQuote(root)}`})
    const mission = resolveMission(root, flags.mission)
    const autoCommit = flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root))
    const result = implementWorkPackage(root, mission, wpId, flags.agent ?? 'user', autoCommit)
    await publishLifecycleEvents(this.config, root, laneChangeEvents(root, mission, result.events))
    return {
      document: {
        branch: result.branch,
        event_ids: result.events.map(e => e.event_id),
        lane_id: result.laneId,
        mission_branch_created: result.missionBranchCreated,
        mission_slug: mission.slug,
        result: 'success',
        status: result.status,
        upstream_lanes_merged: result.upstreamMerged,
        wp_id: wpId,
        workspace_path: result.worktree,
      },
      exitCode: 0,
      human: [
        result.status === 'primary' ? `${wpId} is a planning-artifact work package: work on it in the primary checkout ${result.worktree} (${result.branch}).` : `${result.status === 'created' ? 'Created' : 'Reusing'} ${result.worktree} on ${result.branch}.`,
        ...(result.upstreamMerged.length > 0 ? [`Merged the work of ${result.upstreamMerged.join(', ')} (lanes ${result.laneId} depends on) into it.`] : []),
        `Next: cd ${shellQuote(result.worktree)}`,
      ],
    }
  }
}
