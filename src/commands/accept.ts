import type {CommandOutcome} from '../core/output/render.js'

import {acceptanceChecks} from '../app/acceptance.js'
import {SpecKittyCommand} from '../base-command.js'
import {taskReferenceRegistry} from '../contributions.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {ExitCode} from '../core/output/exit-codes.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {missionFlag} from '../flags.js'

export default class Accept extends SpecKittyCommand {
  static description = 'Checks that a mission is ready to land and reports every problem at once: every work package approved or done, every subtask done, spec.md and plan.md written, no uncommitted changes in the lane and coordination worktrees. Reads only; exit 0 when ready, 1 otherwise. Then run merge --dry-run, which checks the git side.'
  static examples = ['<%= config.bin %> accept --mission demo-widgets-01J9ZK3M', '<%= config.bin %> accept --mission demo-widgets-01J9ZK3M --json']
  static flags = {mission: missionFlag}
  static summary = 'Check that a mission is ready to merge.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(Accept)
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const checks = acceptanceChecks(mission, await taskReferenceRegistry(this.hooks))
    const failed = checks.filter(check => !check.ok)
    return {
      document: {
        checks, failures: failed.length, mission_slug: mission.slug, ready: failed.length === 0, result: 'success',
      },
      exitCode: failed.length === 0 ? ExitCode.ok : ExitCode.failed,
      human: [
        failed.length === 0 ? `${mission.slug} is ready: next, spec-kitty merge --mission ${mission.slug} --dry-run` : `${mission.slug} is not ready: ${failed.length} problem(s).`,
        ...checks.map(check => `  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.id}: ${check.message}${check.remediation && !check.ok ? `\n        Fix: ${check.remediation}` : ''}`),
      ],
    }
  }
}
