import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../../../core/output/render.js'

import {moveTask} from '../../../app/move-task.js'
import {SpecKittyCommand} from '../../../base-command.js'
import {publishLifecycleEvents, taskReferenceRegistry} from '../../../contributions.js'
import {resolveMission} from '../../../core/mission/mission-handle.js'
import {CliError} from '../../../core/output/cli-error.js'
import {autoCommitDefault, readProjectConfig} from '../../../core/project/project-config.js'
import {findProjectRoot} from '../../../core/project/project-root.js'
import {laneChangeEvents} from '../../../core/status/lifecycle-events.js'
import {laneOf, readMissionStatus} from '../../../core/status/mission-status.js'
import {reviewCommands, reviewPrompt} from '../../../core/workflow/prompts.js'
import {laneDiff, workPackageBrief} from '../../../core/workflow/work-package-brief.js'
import {autoCommitFlag, missionFlag, wpArg} from '../../../flags.js'

export default class WorkflowReview extends SpecKittyCommand {
  static args = {wp: wpArg}
  static description = 'What /spec-kitty.review runs: takes a work package that waits in for_review into in_review (as the reviewer, recorded in the event log), or continues one already in_review, and prints the review prompt: the WP\'s instructions, the requirements and success criteria it is checked against, its subtasks, the lane\'s changes against the mission branch (stat and patch, cut at 200 KB), and the two ways to conclude: approve, or send it back to planned with a feedback file (stored as review-cycle-N.md and referenced by the event, as Spec Kitty does).'
  static examples = ['<%= config.bin %> agent workflow review WP01 --mission demo-widgets-01J9ZK3M --agent reviewer-renata', '<%= config.bin %> agent workflow review WP01 --mission demo-widgets-01J9ZK3M --agent reviewer-renata --json']
  static flags = {
    agent: Flags.string({description: 'Who reviews it (default: user).'}),
    'auto-commit': autoCommitFlag,
    mission: missionFlag,
  }
  static summary = 'Take a work package into review and print its review prompt.'

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parseInput(WorkflowReview)
    const wpId = args.wp
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const agent = flags.agent ?? 'user'
    const registry = await taskReferenceRegistry(this.hooks)
    const lane = laneOf(readMissionStatus(mission), wpId)
    if (lane !== 'for_review' && lane !== 'in_review') {
      throw new CliError('not_in_review', `${wpId} is ${lane}, not waiting for review.`, {
        fields: {lane},
        remediation: `Review a work package in for_review: spec-kitty agent tasks list-tasks --mission ${mission.slug} --lane for_review`,
      })
    }

    let eventIds: string[] = []
    if (lane === 'for_review') {
      const moved = moveTask({
        actor: agent, agent: flags.agent, autoCommit: flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root)), force: false, mission, note: 'review started', registry, to: 'in_review', wpId,
      })
      await publishLifecycleEvents(this.hooks, root, laneChangeEvents(root, mission, moved.events))
      eventIds = moved.events.map(e => e.event_id)
    }

    const brief = workPackageBrief(mission, wpId, registry)
    const diff = laneDiff(mission, wpId)
    const prompt = reviewPrompt(brief, {agent, diff, slug: mission.slug})
    return {
      document: {
        commands: reviewCommands(wpId, mission.slug, agent),
        diff_stat: diff.stat,
        diff_truncated: diff.truncated,
        event_ids: eventIds,
        lane_branch: diff.branch,
        mission_slug: mission.slug,
        prompt,
        prompt_file: brief.promptFile,
        result: 'success',
        subtasks: brief.subtasks,
        success_criteria: brief.successCriteria,
        title: brief.title,
        wp_id: wpId,
      },
      exitCode: 0,
      human: [prompt],
    }
  }
}
