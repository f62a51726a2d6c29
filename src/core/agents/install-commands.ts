import {createHash} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {writeFileAtomic} from '../io/atomic-write.js'
import {assertConfined} from '../io/confine.js'
import {readRegularFile} from '../io/regular-file.js'
import {usageError} from '../output/cli-error.js'
import {AGENT_FORMATS, AGENTS, renderCommand} from './agent-formats.js'
import {STEP_TEMPLATES} from './command-templates.js'

/** What init did with each command file, by path relative to the project root. */
export interface InstalledCommands {
  /** Edited by the user since we wrote it: kept, and the new version written beside it as `<file>.new`. */
  kept: string[]
  refreshed: string[]
  unchanged: string[]
  written: string[]
}

/** The hash of every file init wrote, so a re-run can tell our file from one the user edited. */
const manifestPath = (root: string): string => join(root, '.kittify', 'agent-commands.json')
const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex')

function readManifest(root: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readRegularFile(manifestPath(root))?.toString('utf8') ?? '{}') as unknown
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, string> : {}
  } catch {
    return {}
  }
}

/** `--ai claude,codex`: known agents only, a usage error naming the known ones otherwise. */
export function parseAgentList(value: string): string[] {
  const agents = [...new Set(value.split(',').map(agent => agent.trim().toLowerCase()).filter(Boolean))]
  const unknown = agents.filter(agent => !(agent in AGENT_FORMATS))
  if (agents.length === 0 || unknown.length > 0) {
    throw usageError('unknown_agent', agents.length === 0 ? '--ai names no agent.' : `Unknown agent ${unknown.map(a => JSON.stringify(a)).join(', ')}.`, `Pass a comma-separated list of: ${AGENTS.join(', ')}, e.g. --ai claude,codex`)
  }

  return agents
}

/**
 * Write every step's slash command for each agent. A file is (re)written when it is missing or
 * still what init wrote last time; one the user edited is never overwritten.
 */
export function installAgentCommands(root: string, agents: readonly string[]): InstalledCommands {
  const manifest = readManifest(root)
  const result: InstalledCommands = {
    kept: [], refreshed: [], unchanged: [], written: [],
  }
  for (const agent of agents) {
    for (const template of STEP_TEMPLATES) {
      const {content, path} = renderCommand(agent, template)
      const file = join(root, path)
      assertConfined(root, file)
      const current = readRegularFile(file)
      if (current !== undefined && current.equals(Buffer.from(content))) {
        result.unchanged.push(path)
        manifest[path] = sha256(content)
        continue
      }

      mkdirSync(dirname(file), {recursive: true})
      if (current !== undefined && manifest[path] !== sha256(current)) {
        writeFileAtomic(`${file}.new`, content)
        result.kept.push(path)
        continue
      }

      writeFileAtomic(file, content)
      manifest[path] = sha256(content);
      (current === undefined ? result.written : result.refreshed).push(path)
    }
  }

  writeFileAtomic(manifestPath(root), JSON.stringify(manifest, Object.keys(manifest).sort(), 2) + '\n')
  return result
}
