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
