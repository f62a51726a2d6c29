import type {CommandOutcome} from '../../../core/output/render.js'

import {SpecKittyCommand} from '../../../base-command.js'
import {resolveMission} from '../../../core/mission/mission-handle.js'
import {setupPlan} from '../../../core/mission/setup-plan.js'
import {findProjectRoot} from '../../../core/project/project-root.js'
import {missionFlag} from '../../../flags.js'

export default class MissionSetupPlan extends SpecKittyCommand {
  static description = 'Writes kitty-specs/<slug>/plan.md from its scaffold (the headings to fill: summary, technical context, architecture, files, data model, risks, testing) and prints the paths the agent reads and writes. An existing plan.md is never overwritten (created: false). Says whether spec.md is written yet: the plan is written from it. accept counts a plan.md still equal to its scaffold as not written.'
  static examples = ['<%= config.bin %> agent mission setup-plan --mission demo-widgets-01J9ZK3M --json']
  static flags = {mission: missionFlag}
  static summary = 'Start plan.md for a mission and say what to fill.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(MissionSetupPlan)
    const {root} = findProjectRoot(process.cwd())
    const mission = resolveMission(root, flags.mission)
    const plan = setupPlan(mission)
    return {
      document: {
        created: plan.created, mission_slug: mission.slug, plan_file: plan.planFile, result: 'success', sections: plan.sections, spec_file: plan.specFile, spec_written: plan.specWritten,
      },
      exitCode: 0,
      human: [
        `${plan.created ? 'Wrote' : 'Kept the existing'} ${plan.planFile}.`,
        `Fill its sections (${plan.sections.join(', ')}) from ${plan.specFile}.`,
        ...(plan.specWritten ? [] : [`Warning: ${plan.specFile} is still empty or its scaffold: write the specification first.`]),
        `Next: write tasks.md and the work-package prompts, then spec-kitty agent mission finalize-tasks --mission ${mission.slug}`,
      ],
    }
  }
}
