import {Args, Flags} from '@oclif/core'

import type {CommandOutcome} from '../../../core/output/render.js'

import {SpecKittyCommand} from '../../../base-command.js'
import {publishLifecycleEvents, taskReferenceRegistry} from '../../../contributions.js'
import {implementWorkPackage} from '../../../core/mission/implement.js'
import {resolveMission} from '../../../core/mission/mission-handle.js'
import {CliError, usageError} from '../../../core/output/cli-error.js'
import {shellQuote} from '../../../core/output/shell-quote.js'
import {autoCommitDefault, readProjectConfig} from '../../../core/project/project-config.js'
import {findProjectRoot} from '../../../core/project/project-root.js'
import {laneChangeEvents} from '../../../core/status/lifecycle-events.js'
import {WORK_PACKAGE_ID} from '../../../core/tasks/task-id.js'
import {implementationCommands, implementationPrompt} from '../../../core/workflow/prompts.js'
import {workPackageBrief} from '../../../core/workflow/work-package-brief.js'
import {autoCommitFlag, missionFlag} from '../../../flags.js'

export default class WorkflowImplement extends SpecKittyCommand {
  static args = {wp: Args.string({description: 'Work package id, e.g. WP01.', required: true})}
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
    const wpId = args.wp.toUpperCase()
    if (!WORK_PACKAGE_ID.test(wpId)) throw usageError('invalid_wp_id', `"${args.wp}" is not a work package id.`, 'Pass an id like WP01.')
    const {root, worktree} = findProjectRoot(process.cwd())
    if (worktree) throw new CliError('inside_worktree', `Run implement from the primary checkout, not from the worktree ${worktree}.`, {remediation: `cd ${shellQuote(root)}`})
    const mission = resolveMission(root, flags.mission)
    const agent = flags.agent ?? 'user'
    const result = implementWorkPackage(root, mission, wpId, agent, flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root)))
    await publishLifecycleEvents(this.config, root, laneChangeEvents(root, mission, result.events))
    const brief = workPackageBrief(mission, wpId, await taskReferenceRegistry(this.config))
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
