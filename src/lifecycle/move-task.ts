import {moveTask} from '../app/move-task.js'
import {
  autoCommitFlag, defineCommand, missionFlag, wpArg,
} from '../command-spec.js'
import {publishLifecycleEvents, taskReferenceRegistry} from '../contributions.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {usageError} from '../core/output/cli-error.js'
import {autoCommitDefault, readProjectConfig} from '../core/project/project-config.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {eventLogPath} from '../core/status/event-log.js'
import {LANES, parseLane} from '../core/status/lanes.js'
import {laneChangeEvents} from '../core/status/lifecycle-events.js'

export const moveTaskCommand = defineCommand({
  args: {wp: wpArg},
  description: `Appends the lane events of a move to status.events.jsonl, under the mission lock.

Forward moves write one event per hop (planned → for_review = 3 events). Moving to for_review, approved or done needs every subtask the WP owns to be done (see mark-status). Backward moves are forced automatically with reason "backward rewind: A -> B". Moving to planned needs --review-feedback-file. done and canceled are terminal. --force writes one forced event and needs --note (or uses "Force move to <lane>"). A refused move writes nothing and says which guard refused it.`,
  examples: [
    '<%= config.bin %> agent tasks move-task WP01 --to claimed --mission demo-widgets-01J9ZK3M --agent claude',
    '<%= config.bin %> agent tasks move-task WP01 --to for_review --mission demo-widgets-01J9ZK3M --json',
    '<%= config.bin %> agent tasks move-task WP01 --to planned --review-feedback-file review.md --mission demo-widgets-01J9ZK3M',
  ],
  flags: {
    agent: {description: 'Who makes the move (default: user).', kind: 'string'},
    'approval-ref': {description: 'Reference recorded as review evidence for approved/done.', kind: 'string'},
    'auto-commit': autoCommitFlag,
    'done-override-reason': {description: 'Allow done although the lane branch is not merged; recorded in the event.', kind: 'string'},
    force: {default: false, description: 'Override the transition rules and guards (one forced event).', kind: 'boolean'},
    mission: missionFlag,
    note: {description: 'Reason or note recorded with the move.', kind: 'string'},
    'review-feedback-file': {description: 'Markdown feedback for a move back to planned (stored as review-cycle-N.md).', kind: 'string'},
    reviewer: {description: 'Reviewer recorded in approval evidence (default: git user.name).', kind: 'string'},
    'shell-pid': {description: 'PID of the agent\'s shell, recorded in the WP\'s activity log as shell_pid=<pid>.', kind: 'integer', min: 1},
    to: {description: `Target lane: ${LANES.join(', ')} (or doing).`, kind: 'string', required: true},
  },
  id: 'agent:tasks:move-task',
  async run({args, flags}, hooks) {
    const to = parseLane(flags.to)
    if (!to) throw usageError('invalid_lane', `Unknown lane "${flags.to}".`, `Use one of: ${LANES.join(', ')} (or doing)`)
    const wpId = args.wp!
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const result = moveTask({
      actor: flags.agent ?? 'user',
      agent: flags.agent,
      approvalRef: flags['approval-ref'],
      autoCommit: flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root)),
      doneOverrideReason: flags['done-override-reason'],
      force: flags.force,
      mission,
      note: flags.note,
      registry: await taskReferenceRegistry(hooks),
      reviewer: flags.reviewer,
      reviewFeedbackFile: flags['review-feedback-file'],
      shellPid: flags['shell-pid'],
      to,
      wpId,
    })
    await publishLifecycleEvents(hooks, root, laneChangeEvents(root, mission, result.events))
    const moved = result.events.length > 0
    return {
      document: {
        commit: result.commit ?? null,
        event_id: result.events.at(-1)?.event_id ?? null,
        event_ids: result.events.map(e => e.event_id),
        new_lane: result.newLane,
        old_lane: result.oldLane,
        path: result.wpFile ?? null,
        result: 'success',
        review_feedback: result.reviewFeedback ?? null,
        status_events_path: eventLogPath(mission.dir),
        task_id: wpId,
        to_lane: to,
        work_package_id: wpId,
      },
      exitCode: 0,
      human: [moved ? `Moved ${wpId} from ${result.oldLane} to ${result.newLane} (${result.events.length} event${result.events.length === 1 ? '' : 's'}).` : `${wpId} is already in ${to}; nothing written.`],
    }
  },
  strict: true,
  summary: 'Move a work package to another lane.',
})
