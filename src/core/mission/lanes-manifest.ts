import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {branchFromFile} from '../git/branch-name.js'
import {pythonJsonDocument} from '../io/python-json.js'
import {CliError} from '../output/cli-error.js'

/** lanes.json. Unknown keys (top level and per lane) are kept when it is rewritten. */
export interface ExecutionLane {
  depends_on_lanes: string[]
  lane_id: string
  parallel_group: number
  predicted_surfaces: string[]
  wp_ids: string[]
  write_scope: string[]
  [key: string]: unknown
}

export interface LanesManifest {
  computed_at: string
  computed_from: string
  lanes: ExecutionLane[]
  mission_branch: string
  mission_id: null | string
  mission_slug: string
  planning_artifact_wps: string[]
  target_branch: string
  version: number
  [key: string]: unknown
}

// Spec Kitty writes lanes.json from dataclasses: keys in declaration order, not sorted.
const MANIFEST_KEYS = ['version', 'mission_slug', 'mission_id', 'mission_branch', 'target_branch', 'lanes', 'computed_at', 'computed_from', 'planning_artifact_wps', 'collapse_report']
const LANE_KEYS = ['lane_id', 'wp_ids', 'write_scope', 'predicted_surfaces', 'depends_on_lanes', 'parallel_group']
const REPORT_KEYS = ['events', 'total_merges', 'independent_wps_collapsed', 'by_rule']
const EVENT_KEYS = ['wp_a', 'wp_b', 'rule', 'evidence']

/** The known keys in `order`, then any others (a newer tool's) in the order they came. */
function inOrder(value: unknown, order: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  const keys = [...order.filter(key => key in record), ...Object.keys(record).filter(key => !order.includes(key))]
  return Object.fromEntries(keys.map(key => [key, record[key]]))
}

/** lanes.json text exactly as Spec Kitty lays it out (indent 2, its key order, trailing newline). */
export function lanesManifestDocument(manifest: LanesManifest): string {
  const report = manifest.collapse_report as undefined | {events?: unknown}
  const ordered = inOrder({
    ...manifest,
    lanes: manifest.lanes.map(lane => inOrder(lane, LANE_KEYS)),
    ...(report === undefined ? {} : {collapse_report: inOrder({...report, events: Array.isArray(report.events) ? report.events.map(event => inOrder(event, EVENT_KEYS)) : report.events}, REPORT_KEYS)}),
  }, MANIFEST_KEYS)
  return pythonJsonDocument(ordered, {sortKeys: false})
}

export const lanesPath = (missionDir: string): string => join(missionDir, 'lanes.json')

/** Read and validate lanes.json; undefined when the mission has none yet. */
export function readLanesManifest(missionDir: string): LanesManifest | undefined {
  const path = lanesPath(missionDir)
  if (!existsSync(path)) return undefined
  const invalid = (why: string): CliError =>
    new CliError('invalid_lanes_manifest', `${path}: ${why}`, {remediation: `Regenerate it: spec-kitty agent mission finalize-tasks --mission <slug> (after restoring or deleting ${path})`})
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message})`)
  }

  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('not a JSON object')
  const manifest = data as Partial<LanesManifest>
  if (typeof manifest.mission_branch !== 'string' || manifest.mission_branch.trim() === '') throw invalid('mission_branch is missing')
  // Both reach git's argv: a value like "-m" or "--output=x" would be read as an option.
  branchFromFile(manifest.mission_branch, path, 'mission_branch', 'invalid_lanes_manifest')
  if (manifest.target_branch !== undefined) branchFromFile(manifest.target_branch, path, 'target_branch', 'invalid_lanes_manifest')
  if (!Array.isArray(manifest.lanes)) throw invalid('lanes is not a list')
  for (const lane of manifest.lanes) {
    if (typeof lane !== 'object' || lane === null || typeof lane.lane_id !== 'string' || !/^lane-[a-z0-9-]{1,64}$/.test(lane.lane_id)) throw invalid('a lane has no valid lane_id')
    if (!Array.isArray(lane.wp_ids) || !lane.wp_ids.every(id => typeof id === 'string' && /^WP\d{2,}$/.test(id))) throw invalid(`lane ${lane.lane_id} has invalid wp_ids`)
  }

  return manifest as LanesManifest
}

/** The branch a lane is implemented on: `<mission_branch>-<lane_id>`. */
export function laneBranch(manifest: Pick<LanesManifest, 'mission_branch'>, laneId: string): string {
  return `${manifest.mission_branch}-${laneId}`
}
