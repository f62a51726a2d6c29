import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {isSafeSegment} from '../io/confine.js'
import {CliError, usageError} from '../output/cli-error.js'
import {type Coordination, resolveSurface} from './coordination.js'
import {type MissionMeta, readMissionMeta} from './mission-meta.js'

/** A resolved mission: where it lives and what its meta.json says. */
export interface Mission {
  /** The checkout that holds `dir`, where its auto-commits go: the project root or the coordination worktree. */
  checkout: string
  /** Set when the status lives on the coordination branch (see coordination.ts). */
  coordination?: Coordination
  /** Where status, lanes.json, tasks.md and the prompt files are read and written (the status surface). */
  dir: string
  meta: MissionMeta
  /** Why meta.json could not be read: raised only when this mission is the one asked for. */
  metaError?: CliError
  /** `kitty-specs/<slug>` of the primary checkout: meta.json and the planning copy. */
  primaryDir: string
  /** The project root (the primary checkout). */
  root: string
  /** The folder name, `<human-slug>-<mid8>` or legacy `NNN-slug`. */
  slug: string
}

/** One mission's meta.json; a corrupt one is kept as an error, so it cannot break the others. */
function loadMission(root: string, dir: string, slug: string): Mission {
  const place = {
    checkout: root, dir, primaryDir: dir, root, slug,
  }
  try {
    return {...place, meta: readMissionMeta(dir) ?? {}}
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    return {...place, meta: {}, metaError: error}
  }
}

export const specsDir = (root: string): string => join(root, 'kitty-specs')

/** Rejects anything that could escape kitty-specs/ or reach a shell before it touches the disk. */
export function assertSafeHandle(handle: string, what = 'mission handle'): void {
  if (!isSafeSegment(handle)) {
    throw usageError('invalid_handle', `Invalid ${what} ${JSON.stringify(handle)}: use letters, digits, '.', '_' and '-' only.`, 'Pass the mission slug, its mid8 or its ULID, e.g. --mission demo-widgets-01J9ZK3M.')
  }
}

export function listMissions(root: string): Mission[] {
  const dir = specsDir(root)
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true})
  .filter(entry => entry.isDirectory() && isSafeSegment(entry.name))
  .map(entry => loadMission(root, join(dir, entry.name), entry.name))
  .sort((a, b) => a.slug.localeCompare(b.slug))
}

const MID8_SUFFIX = /-([0-9A-HJKMNP-TV-Z]{8})$/

function humanSlug(slug: string): string {
  return slug.replace(MID8_SUFFIX, '')
}

/**
 * Resolve `--mission`: full ULID, then mid8, exact slug, human slug, numeric prefix (upstream's
 * order). The first rule with exactly one match wins; several matches are ambiguous (exit 2).
 */
export function resolveMission(root: string, handle: string | undefined): Mission {
  if (!handle) {
    throw usageError('mission_required', '--mission <slug> is required.', 'Pass --mission with the mission slug; list them with: ls kitty-specs')
  }

  assertSafeHandle(handle)
  const missions = listMissions(root)
  const upper = handle.toUpperCase()
  const rules: Array<(m: Mission) => boolean> = [
    m => typeof m.meta.mission_id === 'string' && m.meta.mission_id.toUpperCase() === upper,
    m => handle.length === 8 && ((m.meta.mission_id as string | undefined)?.toUpperCase().startsWith(upper) || MID8_SUFFIX.exec(m.slug)?.[1] === upper),
    m => m.slug === handle,
    m => humanSlug(m.slug) === handle,
    m => /^\d+$/.test(handle) && new RegExp(`^0*${Number.parseInt(handle, 10)}-`).test(m.slug),
  ]
  for (const rule of rules) {
    const found = missions.filter(m => rule(m))
    if (found.length === 1) {
      if (found[0].metaError) throw found[0].metaError
      return resolveSurface(root, found[0])
    }

    if (found.length > 1) {
      throw new CliError('mission_ambiguous', `Mission handle "${handle}" matches ${found.length} missions: ${found.map(m => m.slug).join(', ')}.`, {
        fields: {candidates: found.map(m => m.slug), handle},
        remediation: `Pass the full slug, e.g. --mission ${found[0].slug}`,
      })
    }
  }

  throw new CliError('mission_not_found', `No mission matches "${handle}".`, {
    fields: {candidates: missions.map(m => m.slug).slice(0, 20), handle},
    remediation: missions.length > 0 ? `Use one of: ${missions.slice(0, 5).map(m => m.slug).join(', ')}` : 'Create a mission first: spec-kitty agent mission create <slug>',
  })
}
