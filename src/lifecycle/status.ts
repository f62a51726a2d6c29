import {defineCommand, missionFlag} from '../command-spec.js'
import {taskReferenceRegistry} from '../contributions.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {LANES} from '../core/status/lanes.js'
import {buildStatusBoard} from '../core/status/status-board.js'

export const statusCommand = defineCommand({
  args: {},
  description: 'Shows every work package with its lane (from status.events.jsonl), its agent and its subtask progress. "done" counts only WPs in the done lane; "readiness" is the weighted progress across lanes.',
  examples: ['<%= config.bin %> agent tasks status --mission demo-widgets-01J9ZK3M', '<%= config.bin %> agent tasks status --mission 01J9ZK3M --json'],
  flags: {mission: missionFlag},
  id: 'agent:tasks:status',
  async run({flags}, hooks) {
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const board = buildStatusBoard(mission, await taskReferenceRegistry(hooks))
    const human = [`${mission.slug}: ${board.done_count}/${board.total_wps} done, readiness ${board.weighted_percentage}% (weighted by lane)`]
    for (const lane of ['genesis', ...LANES]) {
      const wps = board.work_packages.filter(wp => wp.lane === lane)
      if (wps.length === 0) continue
      human.push(`${lane} (${wps.length})`)
      for (const wp of wps) human.push(`  ${wp.id}  ${wp.title ?? ''}${wp.subtasks.total > 0 ? `  [${wp.subtasks.done}/${wp.subtasks.total} subtasks]` : ''}${wp.actor ? `  (${wp.actor})` : ''}`)
    }

    return {document: {...board}, exitCode: 0, human}
  },
  strict: true,
  summary: 'Show the mission board.',
})
