import {runMarkStatus} from '../app/mark-status-run.js'
import {autoCommitFlag, defineCommand, missionFlag} from '../command-spec.js'
import {publishLifecycleEvents, taskReferenceRegistry} from '../contributions.js'
import {pythonIsoTimestamp} from '../core/io/clock.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {ExitCode} from '../core/output/exit-codes.js'
import {autoCommitDefault, readProjectConfig} from '../core/project/project-config.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {historyAdded} from '../core/status/lifecycle-events.js'
import {assertSafeTaskIds} from '../core/tasks/task-id.js'

export const markStatusCommand = defineCommand({
  args: {ids: {description: 'Task ids: T001, T037b, WP02 (all its subtasks), <mission>/T001.', required: true}},
  description: `Finds each id in tasks.md in every supported format (checkbox rows, table rows, "Subtasks:" lines, plain list items, and formats added by plugins), updates every representation, and writes tasks.md once, atomically, under the mission lock.

Each id gets its own result: updated, already_satisfied or not_found; one missing id never hides the others. A bare WP id means all subtasks that WP owns; it never moves the WP's lane (use move-task). An id only mentioned in a "Subtasks:" line gets a checkbox row below that line, so the change is on disk. Exit 0 when at least one id resolved, 1 when none did; with --json the document is printed either way.`,
  examples: [
    '<%= config.bin %> agent tasks mark-status T001 T002 --status done --mission demo-widgets-01J9ZK3M',
    '<%= config.bin %> agent tasks mark-status WP02 --status done --mission demo-widgets-01J9ZK3M --json --no-auto-commit',
  ],
  flags: {
    'auto-commit': autoCommitFlag,
    mission: missionFlag,
    status: {
      description: 'New status.', kind: 'string', options: ['done', 'pending'], required: true,
    },
  },
  id: 'agent:tasks:mark-status',
  async run({argv, flags}, hooks) {
    assertSafeTaskIds(argv)
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const status = flags.status as 'done' | 'pending'
    const registry = await taskReferenceRegistry(hooks)
    const run = runMarkStatus({
      autoCommit: flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root)),
      ids: argv,
      mission,
      registry,
      status,
    })
    const updated = run.results.filter(r => r.outcome === 'updated')
    if (updated.length > 0) {
      const at = pythonIsoTimestamp()
      await publishLifecycleEvents(hooks, root, updated.flatMap(r => {
        const wp = r.id.startsWith('WP') ? r.id : registry.ownerOf(run.doc, r.id)
        // A subtask no WP owns has no aggregate the service knows: it stays a local change.
        return wp ? [historyAdded(root, wp, r.message, at)] : []
      }))
    }

    const resolved = run.summary.updated + run.summary.already_satisfied
    const {summary} = run
    return {
      document: {results: run.results, summary},
      exitCode: resolved > 0 ? ExitCode.ok : ExitCode.failed,
      human: [
        ...run.results.map(r => `${r.outcome.padEnd(17)} ${r.id.padEnd(6)} ${r.message}`),
        `${summary.updated} updated, ${summary.already_satisfied} already satisfied, ${summary.not_found} not found.${run.commit ? ` Committed ${run.commit.slice(0, 12)}.` : ''}`,
      ],
    }
  },
  strict: false,
  summary: 'Mark subtasks done or pending.',
})
