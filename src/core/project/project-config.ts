import {randomUUID} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {parse, parseDocument, stringify} from 'yaml'

import {AGENTS} from '../agents/agent-formats.js'
import {assertWorkingRepository} from '../git/repository.js'
import {writeFileAtomic} from '../io/atomic-write.js'
import {CliError, usageError} from '../output/cli-error.js'

/** `.kittify/config.yaml`, the keys this CLI reads. Unknown keys are kept on rewrite. */
export interface ProjectConfig {
  agents?: {auto_commit?: boolean; available?: string[]}
  merge?: {strategy?: string}
  project?: {node_id?: string; slug?: string; uuid?: string}
  [key: string]: unknown
}

export const configPath = (root: string): string => join(root, '.kittify', 'config.yaml')

export function readProjectConfig(root: string): ProjectConfig {
  const path = configPath(root)
  if (!existsSync(path)) return {}
  let parsed: unknown
  try {
    parsed = parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CliError('invalid_config', `${path} is not valid YAML: ${(error as Error).message}`, {
      remediation: `Fix the YAML syntax in ${path}.`,
    })
  }

  if (parsed === null || parsed === undefined) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError('invalid_config', `${path} must hold a YAML mapping.`, {remediation: `Fix ${path}.`})
  }

  return parsed as ProjectConfig
}

/** `agents.auto_commit`, true unless set to false (as in Spec Kitty). */
export function autoCommitDefault(config: ProjectConfig): boolean {
  return config.agents?.auto_commit !== false
}

export interface InitResult {
  /** The agents in effect: those given, else those recorded. */
  agents: string[]
  configPath: string
  created: boolean
  projectSlug: string
  projectUuid: string
}

/**
 * Create `.kittify/config.yaml` with a project identity and the chosen agents. On an initialized
 * project only the agent list is updated, when one is given and differs (comments and every other
 * key kept); the identity never changes.
 */
export function initProject(root: string, agents: readonly string[] | undefined): InitResult {
  // A project lives in a git working tree: missions, lanes and merges are all git.
  assertWorkingRepository(root, {needsCommit: false})
  const path = configPath(root)
  if (existsSync(path)) {
    const config = readProjectConfig(root)
    const recorded = config.agents?.available ?? []
    if (agents && JSON.stringify(agents) !== JSON.stringify(recorded)) {
      const document = parseDocument(readFileSync(path, 'utf8'))
      document.setIn(['agents', 'available'], [...agents])
      writeFileAtomic(path, document.toString())
    }

    return {
      agents: [...(agents ?? recorded)], configPath: path, created: false, projectSlug: config.project?.slug ?? '', projectUuid: config.project?.uuid ?? '',
    }
  }

  if (!agents) {
    throw usageError('agents_required', 'init needs to know which coding agents you use, to install their slash commands.', `Pass them, e.g.: spec-kitty init --ai claude (any of: ${AGENTS.join(', ')})`)
  }

  const slug = basename(root).toLowerCase().replaceAll(/[^a-z0-9]+/g, '-').replaceAll(/^-|-$/g, '') || 'project'
  const config: ProjectConfig = {
    agents: {auto_commit: true, available: [...agents]},
    project: {slug, uuid: randomUUID()},
    vcs: {type: 'git'},
  }
  mkdirSync(join(root, '.kittify'), {recursive: true})
  writeFileAtomic(path, stringify(config))
  return {
    agents: [...agents], configPath: path, created: true, projectSlug: slug, projectUuid: config.project!.uuid!,
  }
}
