import type {TaskReferenceRegistry} from '../core/tasks/task-reference-registry.js'

import {decodeText, readRegularFile} from '../core/io/regular-file.js'
import {listMissions, type Mission, resolveMission} from '../core/mission/mission-handle.js'
import {CliError} from '../core/output/cli-error.js'
import {readMissionLog} from '../core/status/event-log.js'
import {FORWARD_ORDER, type LaneOrGenesis} from '../core/status/lanes.js'
import {buildStatusBoard, type StatusBoard} from '../core/status/status-board.js'
import {dependencyGraph} from '../core/tasks/dependency-graph.js'
import {loadMissionTasks} from '../core/tasks/tasks-file.js'

/**
 * What the dashboard shows, read through the same core readers as the CLI (one truth): the board
 * is `buildStatusBoard`, the very value `agent tasks status --json` prints.
 */

export interface MissionSummary {
  board?: StatusBoard
  /** Why this mission cannot be shown; the others still are. */
  error?: string
  friendlyName: string
  slug: string
  subtasks: {done: number; total: number}
}

const problemOf = (error: unknown): string => (error instanceof CliError ? `${error.code}: ${error.reason}` : (error as Error).message)

export function missionSummaries(root: string, registry: TaskReferenceRegistry): MissionSummary[] {
  return listMissions(root).map(mission => {
    const base = {friendlyName: typeof mission.meta.friendly_name === 'string' ? mission.meta.friendly_name : mission.slug, slug: mission.slug, subtasks: {done: 0, total: 0}}
    try {
      if (mission.metaError) throw mission.metaError
      const board = buildStatusBoard(mission, registry)
      const subtasks = {done: 0, total: 0}
      for (const wp of board.work_packages) {
        subtasks.done += wp.subtasks.done
        subtasks.total += wp.subtasks.total
      }

      return {...base, board, subtasks}
    } catch (error) {
      return {...base, error: problemOf(error)}
    }
  })
}

export interface BoardColumn {
  cards: BoardCard[]
  lane: LaneOrGenesis
}

export interface BoardCard {
  actor: null | string
  dependencies: Array<{id: string; lane: LaneOrGenesis}>
  id: string
  /** Milliseconds in the current lane, or null before the first event. */
  laneAgeMs: null | number
  subtasks: {done: number; total: number}
  title: string
}

export interface BoardModel {
  board: StatusBoard
  columns: BoardColumn[]
  friendlyName: string
  slug: string
}

/** The lanes a board always shows, then blocked and canceled (and not-yet-finalized) when used. */
function columnLanes(board: StatusBoard): LaneOrGenesis[] {
  const used = new Set(board.work_packages.map(wp => wp.lane))
  return [...(used.has('genesis') ? ['genesis' as const] : []), ...FORWARD_ORDER, ...(['blocked', 'canceled'] as const).filter(lane => used.has(lane))]
}

function dependenciesOf(mission: Mission): Map<string, Set<string>> {
  try {
    return dependencyGraph(mission.dir).deps
  } catch {
    return new Map() // an unreadable plan: the board still shows, without dependencies
  }
}

export function boardModel(root: string, slug: string, registry: TaskReferenceRegistry, now = Date.now()): BoardModel {
  const mission = resolveMission(root, slug)
  if (mission.metaError) throw mission.metaError
  const board = buildStatusBoard(mission, registry)
  const laneOf = new Map(board.work_packages.map(wp => [wp.id, wp.lane]))
  const deps = dependenciesOf(mission)
  const card = (wp: StatusBoard['work_packages'][number]): BoardCard => ({
    actor: wp.actor,
    dependencies: [...(deps.get(wp.id) ?? [])].sort().map(id => ({id, lane: laneOf.get(id) ?? 'genesis'})),
    id: wp.id,
    laneAgeMs: wp.last_transition_at ? Math.max(0, now - Date.parse(wp.last_transition_at)) : null,
    subtasks: wp.subtasks,
    title: wp.title ?? wp.id,
  })
  return {
    board,
    columns: columnLanes(board).map(lane => ({cards: board.work_packages.filter(wp => wp.lane === lane).map(wp => card(wp)), lane})),
    friendlyName: typeof mission.meta.friendly_name === 'string' ? mission.meta.friendly_name : mission.slug,
    slug: mission.slug,
  }
}

export interface LaneHistoryEntry {
  actor: string
  at: string
  from: string
  reviewRef: null | string
  to: string
  wpId: string
}

export function laneHistory(mission: Mission): LaneHistoryEntry[] {
  return readMissionLog(mission.dir).lanes.map(record => ({
    actor: record.actor, at: record.at, from: record.fromLane, reviewRef: record.reviewRef, to: record.toLane, wpId: record.wpId,
  }))
}

export interface WorkPackageDetail {
  history: LaneHistoryEntry[]
  id: string
  lane: LaneOrGenesis
  /** The prompt file's text, or null when the WP has none. */
  prompt: null | string
  slug: string
  subtasks: Array<{id: string; state: string}>
  title: string
}

export function workPackageDetail(root: string, slug: string, wpId: string, registry: TaskReferenceRegistry): undefined | WorkPackageDetail {
  const mission = resolveMission(root, slug)
  const board = buildStatusBoard(mission, registry)
  const wp = board.work_packages.find(candidate => candidate.id === wpId)
  if (!wp) return undefined
  const {doc} = loadMissionTasks(mission.dir)
  // The prompt file is one the core found inside the mission folder; read as a regular file only.
  const bytes = wp.file ? readRegularFile(wp.file, 2 * 1024 * 1024) : undefined
  return {
    history: laneHistory(mission).filter(entry => entry.wpId === wpId),
    id: wp.id,
    lane: wp.lane,
    prompt: bytes ? decodeText(bytes).text : null,
    slug: mission.slug,
    subtasks: (registry.subtasksOf(doc, wpId) ?? []).map(id => ({id, state: registry.subtaskState(doc, id)})),
    title: wp.title ?? wp.id,
  }
}
