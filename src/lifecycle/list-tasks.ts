import {defineCommand, missionFlag} from '../command-spec.js'
import {taskReferenceRegistry} from '../contributions.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {usageError} from '../core/output/cli-error.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {LANES, parseLane} from '../core/status/lanes.js'
import {laneOf, readMissionStatus} from '../core/status/mission-status.js'
import {loadMissionTasks} from '../core/tasks/tasks-file.js'

export const listTasksCommand = defineCommand({
  args: {},
  description: 'Lists work packages with their lane from the event log. --lane accepts canonical lanes and the alias "doing".',
  examples: ['<%= config.bin %> agent tasks list-tasks --mission demo-widgets-01J9ZK3M --lane planned --json'],
  flags: {
    lane: {description: `Only work packages in this lane (${LANES.join(', ')}, or doing).`, kind: 'string'},
    mission: missionFlag,
  },
  id: 'agent:tasks:list-tasks',
  async run({flags}, hooks) {
    const lane = flags.lane === undefined ? undefined : parseLane(flags.lane)
    if (flags.lane !== undefined && !lane) throw usageError('invalid_lane', `Unknown lane "${flags.lane}".`, `Use one of: ${LANES.join(', ')}`)
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const status = readMissionStatus(mission)
    const tasks = loadMissionTasks(mission.dir)
    const registry = await taskReferenceRegistry(hooks)
    const all = [...new Set([...status.workPackages.keys(), ...tasks.doc.workPackageIds()])].sort().map(id => ({
      lane: laneOf(status, id),
      path: tasks.workPackages.get(id)?.path ?? null,
      subtasks: registry.subtaskCounts(tasks.doc, id),
      title: tasks.workPackages.get(id)?.title ?? null,
      work_package_id: id,
    }))
    const list = lane ? all.filter(t => t.lane === lane) : all
    return {document: {count: list.length, tasks: list}, exitCode: 0, human: list.length === 0 ? ['No work packages.'] : list.map(t => `${t.work_package_id}  ${t.lane.padEnd(11)}  [${t.subtasks.done}/${t.subtasks.total}]  ${t.title ?? ''}`)}
  },
  strict: true,
  summary: 'List work packages.',
})
