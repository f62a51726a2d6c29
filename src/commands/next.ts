import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../core/output/render.js'

import {SpecKittyCommand} from '../base-command.js'
import {taskReferenceRegistry} from '../contributions.js'
import {resolveMission} from '../core/mission/mission-handle.js'
import {CliError} from '../core/output/cli-error.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {nextStep} from '../core/status/next-step.js'
import {buildStatusBoard} from '../core/status/status-board.js'
import {dependencyGraph} from '../core/tasks/dependency-graph.js'
import {missionFlag} from '../flags.js'

export default class Next extends SpecKittyCommand {
  static description = 'Answers "what should I do now" from the event log, in this order: your own claimed or in-progress work package (with --agent), a work package waiting for review, the next planned one whose dependencies are approved or done, the merge once every work package is approved; else what everyone waits on. Prints the commands to run. Reads only.'
  static examples = ['<%= config.bin %> next --mission demo-widgets-01J9ZK3M', '<%= config.bin %> next --mission demo-widgets-01J9ZK3M --agent claude --json']
  static flags = {
    agent: Flags.string({description: 'Who asks: their own claimed or in-progress work comes first, and they are not sent to review their own work.'}),
    mission: missionFlag,
  }
  static summary = 'Say what to do next on a mission.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(Next)
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const board = buildStatusBoard(mission, await taskReferenceRegistry(this.hooks))
    let deps: ReadonlyMap<string, ReadonlySet<string>> = new Map()
    try {
      ({deps} = dependencyGraph(mission.dir))
    } catch (error) {
      // No tasks.md or no WP yet: the answer is to write and finalize them.
      if (!(error instanceof CliError) || !['no_work_packages', 'tasks_missing'].includes(error.code)) throw error
    }

    const step = nextStep(board, deps, flags.agent)
    return {
      document: {...step, mission_slug: mission.slug, result: 'success'},
      exitCode: 0,
      human: [`${step.action}${step.wp_id ? ` ${step.wp_id}` : ''}: ${step.reason}`, ...step.commands.map(command => `  ${command}`)],
    }
  }
}
