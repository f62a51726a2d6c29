import {usageError} from '../output/cli-error.js'

/**
 * Task and work-package ids as users type them. `<mission>/T001`, `<mission>:WP01` and lower case
 * are accepted; results echo the canonical bare id (`T001`, `T037b`, `WP02`).
 */

const QUALIFIED = /^[A-Za-z0-9][A-Za-z0-9._-]*[/:]([^/:]+)$/
const SUBTASK = /^T(\d{2,4})([A-Za-z]?)$/i
const WORK_PACKAGE = /^WP(\d{2,})$/i
/** Ids that third-party formats may use (`TASK-12`); anything else is rejected before any lookup. */
const OTHER = /^[A-Za-z][A-Za-z0-9]*-?\d+[A-Za-z]?$/

export const SUBTASK_ID = /^T\d{2,4}[a-z]?$/
export const WORK_PACKAGE_ID = /^WP\d{2,}$/

/** A bare id, or `<mission>/<id>` / `<mission>:<id>`: letters, digits, `.`, `_` and `-` only. */
const SAFE_RAW = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:[/:][A-Za-z0-9][A-Za-z0-9._-]*)?$/

/**
 * Rejects ids that could reach a path or a shell (`..`, `/`, NUL, metacharacters) before anything
 * is read; a well-formed id that names nothing is a per-id `not_found` result instead.
 */
export function assertSafeTaskIds(raws: readonly string[]): void {
  const bad = raws.find(raw => !SAFE_RAW.test(raw.trim()) || raw.includes('..'))
  if (bad !== undefined) {
    throw usageError('invalid_task_id', `Invalid task id ${JSON.stringify(bad)}: use T001, T037b, WP02 or <mission>/T001.`, 'Pass task ids made of letters, digits, \'.\', \'_\' and \'-\' only.')
  }
}

export type ParsedTaskId = {id: string; ok: true} | {ok: false; reason: string}

export function canonicalTaskId(raw: string): ParsedTaskId {
  const trimmed = raw.trim()
  const bare = QUALIFIED.exec(trimmed)?.[1] ?? trimmed
  const subtask = SUBTASK.exec(bare)
  if (subtask) return {id: `T${subtask[1]}${subtask[2].toLowerCase()}`, ok: true}
  const wp = WORK_PACKAGE.exec(bare)
  if (wp) return {id: `WP${wp[1]}`, ok: true}
  if (OTHER.test(bare)) return {id: bare.toUpperCase(), ok: true}
  return {ok: false, reason: `${JSON.stringify(raw)} is not a task id (expected T001, T037b, WP02 or <mission>/T001).`}
}
