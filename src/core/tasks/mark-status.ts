import type {SubtaskStatus, TaskDocumentEdit} from '../../api/index.js'
import type {TaskDocument} from './task-document.js'

import {canonicalTaskId} from './task-id.js'
import {applyEdits, type TaskReferenceRegistry} from './task-reference-registry.js'

export type MarkOutcome = 'already_satisfied' | 'not_found' | 'updated'

export interface MarkResult {
  format: null | string
  id: string
  message: string
  outcome: MarkOutcome
}

export interface MarkSummary {
  already_satisfied: number
  not_found: number
  updated: number
}

export interface MarkStatusPlan {
  doc: TaskDocument
  results: MarkResult[]
  summary: MarkSummary
}

export interface MarkStatusInput {
  doc: TaskDocument
  ids: readonly string[]
  /** Lane of a work package from the event log, for the WP-id message. */
  laneOf: (wpId: string) => string | undefined
  missionSlug: string
  registry: TaskReferenceRegistry
  status: SubtaskStatus
}

function subtaskMessage(id: string, outcome: MarkOutcome, format: null | string, status: SubtaskStatus, referenceOnly: boolean, formats: string[], allFormats: string[]): string {
  if (outcome === 'not_found') {
    return referenceOnly
      ? `${id} is mentioned in tasks.md but no parser could record its status there.`
      : (formats.length > 0
        ? `${id} was not found in tasks.md; formats tried: ${formats.join(', ')}.`
        : `No installed task format reads ids like ${id} (installed: ${allFormats.join(', ')}).`)
  }

  if (outcome === 'already_satisfied') {
    return referenceOnly ? `${id} has no status row, only a reference (${format}), so it is already ${status}.` : `${id} is already ${status} (${format}).`
  }

  return referenceOnly ? `Marked ${id} as ${status}: added a checkbox row below its ${format} reference.` : `Marked ${id} as ${status} (${format}).`
}

/**
 * Decide, for every requested id in order, what marking it means, and build the new tasks.md in
 * memory. Pure: the caller writes `doc` once, under the mission lock, if anything changed (D2, D3).
 */
export function planMarkStatus(input: MarkStatusInput): MarkStatusPlan {
  const {laneOf, missionSlug, registry, status} = input
  let {doc} = input
  const results: MarkResult[] = []
  // Edits wait and are applied in one rebuild at the end, so resolving many ids stays linear: every
  // id is found through the same document's indexes. Replaces never move lines, so they can wait;
  // an insert or delete (materializing a row) is applied at once, and so is a repeated id, which
  // must see its own earlier edit.
  let waiting: TaskDocumentEdit[] = []
  const touched = new Set<string>()
  const flush = () => {
    if (waiting.length > 0) doc = applyEdits(doc, waiting)
    waiting = []
    touched.clear()
  }

  const resolve = (id: string) => {
    if (touched.has(id)) flush()
    const resolution = registry.resolveSubtask(doc, id, status)
    if (resolution.edits.length > 0) {
      waiting.push(...resolution.edits)
      touched.add(id)
      if (resolution.edits.some(edit => edit.kind !== 'replace')) flush()
    }

    return resolution
  }

  for (const raw of input.ids) {
    const parsed = canonicalTaskId(raw)
    if (!parsed.ok) {
      results.push({
        format: null, id: raw, message: parsed.reason, outcome: 'not_found',
      })
      continue
    }

    const {id} = parsed
    const [expander] = registry.expanders(id)
    if (expander) {
      const owned = registry.subtasksOf(doc, id)
      if (owned === undefined) {
        results.push({
          format: null, id, message: `${id} is not a work package of this mission (no section in tasks.md and no prompt file).`, outcome: 'not_found',
        })
        continue
      }

      const changed: string[] = []
      const unrecorded: string[] = []
      for (const subtask of owned) {
        const resolution = resolve(subtask)
        if (resolution.outcome === 'updated') changed.push(subtask)
        if (resolution.outcome === 'not_found') unrecorded.push(subtask)
      }

      const lane = laneOf(id) ?? 'genesis'
      const laneHint = `${id} stays in lane ${lane}; mark-status never moves lanes: spec-kitty agent tasks move-task ${id} --to <lane> --mission ${missionSlug}`
      const recorded = owned.length - unrecorded.length
      let outcome: MarkOutcome
      let head: string
      if (recorded === 0) {
        outcome = 'not_found'
        head = owned.length === 0 ? `${id} owns no subtasks.` : `${id} owns ${unrecorded.join(', ')}, but tasks.md has no row or reference for them.`
      } else if (changed.length > 0) {
        outcome = 'updated'
        head = `Marked ${changed.length} of ${owned.length} subtasks of ${id} as ${status}: ${changed.join(', ')}.`
      } else {
        outcome = 'already_satisfied'
        head = `All ${recorded} recorded subtasks of ${id} are already ${status}.`
      }

      const missing = recorded > 0 && unrecorded.length > 0 ? ` Not in tasks.md: ${unrecorded.join(', ')}.` : ''
      results.push({
        format: outcome === 'not_found' ? null : expander.name, id, message: `${head}${missing} ${laneHint}`, outcome,
      })
      continue
    }

    const resolution = resolve(id)
    const format = resolution.outcome === 'not_found' ? null : resolution.format
    results.push({
      format, id, message: subtaskMessage(id, resolution.outcome, resolution.format, status, resolution.referenceOnly, registry.formatNames(id), registry.parsers.map(p => p.name)), outcome: resolution.outcome,
    })
  }

  flush()
  const summary: MarkSummary = {already_satisfied: 0, not_found: 0, updated: 0}
  for (const result of results) summary[result.outcome]++
  return {doc, results, summary}
}
