import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../core/output/render.js'

import {SpecKittyCommand} from '../base-command.js'
import {shellQuote} from '../core/output/shell-quote.js'
import {autoCommitFlag, missionFlag, wpArg} from '../flags.js'
import {openWorkPackage} from '../open-work-package.js'

export default class Implement extends SpecKittyCommand {
  static args = {wp: wpArg}
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
    const wpId = args.wp
    const {mission, result} = await openWorkPackage(this.hooks, wpId, flags)
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
