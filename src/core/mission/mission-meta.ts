import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {branchFromFile} from '../git/branch-name.js'
import {writeFileIfChanged} from '../io/atomic-write.js'
import {pythonJsonDocument} from '../io/python-json.js'
import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'

/** meta.json. Only `slug`-like keys are guaranteed; 64 corpus missions carry just 10 keys. */
export interface MissionMeta {
  created_at?: string
  friendly_name?: string
  mission_id?: string
  mission_number?: null | number | string
  mission_slug?: string
  mission_type?: string
  slug?: string
  target_branch?: string
  [key: string]: unknown
}

export function readMissionMeta(missionDir: string): MissionMeta | undefined {
  const path = join(missionDir, 'meta.json')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new CliError('invalid_meta', `${path} is not valid JSON: ${(error as Error).message}`, {
      remediation: `Restore ${path} from git: git checkout -- ${shellQuote(path)}`,
    })
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError('invalid_meta', `${path} must hold a JSON object.`, {remediation: `Restore ${path} from git.`})
  }

  return parsed as MissionMeta
}

export function writeMissionMeta(missionDir: string, meta: MissionMeta): void {
  writeFileIfChanged(join(missionDir, 'meta.json'), pythonJsonDocument(meta))
}

/** `mission_number` as an integer or null ("042" → 42, as upstream coerces it). */
export function missionNumber(meta: MissionMeta | undefined): null | number {
  const value = meta?.mission_number
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number.parseInt(value, 10)
  return null
}

/**
 * The mission's target branch from meta.json, or `fallback` when meta.json names none. A value that
 * is not a safe branch name is refused: it would reach git's argv.
 */
export function metaTargetBranch(mission: {meta: MissionMeta; primaryDir: string}, fallback?: string): string | undefined {
  const value = mission.meta.target_branch
  if (value === undefined || value === null) return fallback
  return branchFromFile(value, join(mission.primaryDir, 'meta.json'), 'target_branch', 'invalid_meta')
}
