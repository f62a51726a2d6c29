import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../../../core/output/render.js'

import {SpecKittyCommand} from '../../../base-command.js'
import {taskReferenceRegistry} from '../../../contributions.js'
import {implementationCommands, implementationPrompt} from '../../../core/workflow/prompts.js'
import {workPackageBrief} from '../../../core/workflow/work-package-brief.js'
import {autoCommitFlag, missionFlag, wpArg} from '../../../flags.js'
import {openWorkPackage} from '../../../open-work-package.js'

export default class WorkflowImplement extends SpecKittyCommand {
  static args = {wp: wpArg}
  static description = 'What /spec-kitty.implement runs: claims the work package and opens its lane worktree exactly as implement does (same guards, same refusals), then prints the whole implementation prompt: where to work, the WP\'s instructions from its prompt file, the requirements it covers (spec.md lines naming its requirement_refs), its subtasks with their state, and the commands to tick them and hand the WP in for review. With --json the prompt is the "prompt" field, beside the same facts as data.'
  static examples = ['<%= config.bin %> agent workflow implement WP01 --mission demo-widgets-01J9ZK3M --agent claude', '<%= config.bin %> agent workflow implement WP01 --mission demo-widgets-01J9ZK3M --agent claude --json']
  static flags = {
    agent: Flags.string({description: 'Who implements it (default: user).'}),
    'auto-commit': autoCommitFlag,
    mission: missionFlag,
  }
  static summary = 'Claim a work package, open its worktree and print its implementation prompt.'

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parseInput(WorkflowImplement)
    const wpId = args.wp
    const {agent, mission, result} = await openWorkPackage(this.hooks, wpId, flags)
    const brief = workPackageBrief(mission, wpId, await taskReferenceRegistry(this.hooks))
    const prompt = implementationPrompt(brief, {
      agent, branch: result.branch, slug: mission.slug, workspace: result.worktree,
    })
    return {
      document: {
        branch: result.branch,
        commands: implementationCommands(brief, mission.slug, agent),
        event_ids: result.events.map(e => e.event_id),
        lane_id: result.laneId,
        mission_slug: mission.slug,
        prompt,
        prompt_file: brief.promptFile,
        requirements: brief.requirements,
        result: 'success',
        status: result.status,
        subtasks: brief.subtasks,
        title: brief.title,
        upstream_lanes_merged: result.upstreamMerged,
        wp_id: wpId,
        workspace_path: result.worktree,
      },
      exitCode: 0,
      human: [prompt],
    }
  }
}
