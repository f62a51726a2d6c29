import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'

import type {CommandOutcome} from '../core/output/render.js'

import {pickAgents} from '../agent-picker.js'
import {SpecKittyCommand} from '../base-command.js'
import {AGENTS} from '../core/agents/agent-formats.js'
import {excludeAgentFolders} from '../core/agents/gitignore.js'
import {installAgentCommands, parseAgentList} from '../core/agents/install-commands.js'
import {assertWorkingRepository} from '../core/git/repository.js'
import {configPath, initProject} from '../core/project/project-config.js'

export default class Init extends SpecKittyCommand {
  static description = `Writes .kittify/config.yaml with a project identity (uuid, slug) and agents.auto_commit: true, and installs the mission's slash commands (/spec-kitty.specify, .plan, .tasks, .implement, .review, .accept, .merge, .status) for each agent in --ai, in that agent's own folder and format. It never runs "git init".

Running it again keeps the project identity, refreshes the command files it wrote (for the agents in --ai, else those recorded in config.yaml) and never overwrites one you edited: the new version is written beside it as <file>.new. Agents: ${AGENTS.join(', ')}.`
  static examples = ['<%= config.bin %> init --ai claude', '<%= config.bin %> init --ai claude,codex,gemini,copilot --json']
  static flags = {
    ai: Flags.string({description: `Comma-separated coding agents to install the slash commands for (${AGENTS.join(', ')}). Required the first time, unless init runs at a terminal: then it asks.`}),
    'gitignore-agents': Flags.boolean({default: false, description: 'Also add the agent command folders to .gitignore.'}),
  }
  static summary = 'Make the current directory a spec-kitty project and install the slash commands for your agents.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(Init)
    const root = process.cwd()
    // At a terminal, the first init asks instead of failing (in a repository: asking first would be
    // a waste); agents and scripts pass --ai.
    assertWorkingRepository(root, {needsCommit: false})
    const ask = flags.ai === undefined && !this.jsonMode && process.stdin.isTTY && process.stderr.isTTY && !existsSync(configPath(root))
    const agents = flags.ai === undefined ? (ask ? await pickAgents() : undefined) : parseAgentList(flags.ai)
    const result = initProject(root, agents)
    const files = installAgentCommands(root, result.agents)
    if (flags['gitignore-agents']) excludeAgentFolders(root, result.agents)
    return {
      document: {
        agents: result.agents,
        config_path: result.configPath,
        created: result.created,
        files: {
          kept_edited: files.kept, refreshed: files.refreshed, unchanged: files.unchanged, written: files.written,
        },
        project_slug: result.projectSlug,
        project_uuid: result.projectUuid,
        result: 'success',
      },
      exitCode: 0,
      human: [
        result.created ? `Initialized spec-kitty project ${result.projectSlug} (${result.configPath}).` : `Already initialized (${result.configPath}).`,
        `Slash commands for ${result.agents.join(', ')}: ${files.written.length} written, ${files.refreshed.length} refreshed, ${files.unchanged.length} unchanged.`,
        ...files.kept.map(path => `Kept ${path}: you edited it; the new version is ${path}.new (merge what you want, then delete it).`),
        ...(result.created ? ['Next: commit .kittify (and the agent folders), then run /spec-kitty.specify in your agent.'] : []),
      ],
    }
  }
}
