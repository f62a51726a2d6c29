import {Flags} from '@oclif/core'

import type {CommandOutcome} from '../core/output/render.js'

import {SpecKittyCommand} from '../base-command.js'
import {initProject} from '../core/project/project-config.js'

export default class Init extends SpecKittyCommand {
  static description = 'Writes .kittify/config.yaml with a project identity (uuid, slug) and agents.auto_commit: true. Running it again changes nothing. It never runs "git init".'
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init --ai claude,codex --json']
  static flags = {
    ai: Flags.string({default: 'claude', description: 'Comma-separated list of the coding agents used in this project.'}),
  }
  static summary = 'Make the current directory a spec-kitty project.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(Init)
    const agents = flags.ai.split(',').map(a => a.trim()).filter(Boolean)
    const result = initProject(process.cwd(), agents)
    return {
      document: {
        config_path: result.configPath, created: result.created, project_slug: result.projectSlug, project_uuid: result.projectUuid, result: 'success',
      },
      exitCode: 0,
      human: [result.created ? `Initialized spec-kitty project ${result.projectSlug} (${result.configPath}).` : `Already initialized (${result.configPath}); nothing changed.`],
    }
  }
}
