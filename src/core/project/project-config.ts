import {randomUUID} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {parse, stringify} from 'yaml'

import {assertWorkingRepository} from '../git/repository.js'
import {writeFileAtomic} from '../io/atomic-write.js'
import {CliError} from '../output/cli-error.js'

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
  configPath: string
  created: boolean
  projectSlug: string
  projectUuid: string
}

/** Create `.kittify/config.yaml` with a project identity; a second run changes nothing. */
export function initProject(root: string, agents: string[]): InitResult {
  // A project lives in a git working tree: missions, lanes and merges are all git.
  assertWorkingRepository(root, {needsCommit: false})
  const path = configPath(root)
  if (existsSync(path)) {
    const config = readProjectConfig(root)
    return {
      configPath: path, created: false, projectSlug: config.project?.slug ?? '', projectUuid: config.project?.uuid ?? '',
    }
  }

  const slug = basename(root).toLowerCase().replaceAll(/[^a-z0-9]+/g, '-').replaceAll(/^-|-$/g, '') || 'project'
  const config: ProjectConfig = {
    agents: {auto_commit: true, available: agents},
    project: {slug, uuid: randomUUID()},
    vcs: {type: 'git'},
  }
  mkdirSync(join(root, '.kittify'), {recursive: true})
  writeFileAtomic(path, stringify(config))
  return {
    configPath: path, created: true, projectSlug: slug, projectUuid: config.project!.uuid!,
  }
}
