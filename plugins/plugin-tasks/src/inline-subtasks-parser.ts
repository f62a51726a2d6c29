import type {TaskDocumentView, TaskReferenceParser} from 'spec-kitty/api'

import {
  canonicalSubtask, ID_END, indexById, perDocument, SUBTASK_TOKEN, subtaskIdsIn,
} from './id-grammar.js'

/**
 * `Subtasks: T001, T002` lines (also `**Subtasks**:`, `**Subtasks:**`, `- Subtasks:`, ranges, and
 * lists continued on the bullet lines below an empty `Subtasks:`). A mention carries no status, so
 * `done` materializes a checkbox row below the list (D3) and `pending` removes such a bare row again.
 */
const SUBTASKS_LINE = /^\s*(?:[-*+]\s+)?(?:\*\*)?(?:Included\s+)?Subtasks(?::\*\*|\*\*:|:)(.*)$/i
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/
const CHECKBOX_ITEM = /^\s*(?:[-*+]|\d+[.)])\s*\[[ xX]\]/
const ITEM_ID = new RegExp(String.raw`^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*)?(${SUBTASK_TOKEN})${ID_END}`)

export interface InlineReference {
  /** Last line of the block: the Subtasks line plus the list items right below it. */
  blockEnd: number
  ids: string[]
  indent: string
  line: number
}

export const inlineReferences = perDocument((doc: TaskDocumentView): InlineReference[] => {
  const references: InlineReference[] = []
  for (const [line, text] of doc.lines.entries()) {
    if (doc.fenced[line]) continue
    const match = SUBTASKS_LINE.exec(text)
    if (!match) continue
    const ids = subtaskIdsIn(match[1])
    let blockEnd = line
    while (blockEnd + 1 < doc.lines.length && !doc.fenced[blockEnd + 1] && LIST_ITEM.test(doc.lines[blockEnd + 1])) {
      blockEnd++
      const item = doc.lines[blockEnd]
      // Plain bullets below the line continue its list (`- T001 Do X`); checkbox rows are their own format.
      const id = CHECKBOX_ITEM.test(item) ? undefined : ITEM_ID.exec(item)?.[1]
      if (id) ids.push(canonicalSubtask(id))
    }

    references.push({
      blockEnd, ids: [...new Set(ids)], indent: /^\s*/.exec(text)![0], line,
    })
  }

  return references
})

function materializedRow(id: string): RegExp {
  return new RegExp(String.raw`^\s*- \[[xX]\] ${id}\s*$`, 'i')
}

const inlineReferencesOf = indexById(inlineReferences, ref => ref.ids)

export const inlineSubtasksParser: TaskReferenceParser = {
  apply(_doc, match, _id, status) {
    // Only a bare row we could have materialized is ours to touch: `pending` removes it.
    const row = match.data as number | undefined
    return status === 'pending' && row !== undefined ? {kind: 'delete', line: row} : null
  },
  find(doc, id) {
    return inlineReferencesOf(doc, id)
    .map(ref => {
      const pattern = materializedRow(id)
      for (let line = ref.line + 1; line <= ref.blockEnd; line++) {
        if (pattern.test(doc.lines[line])) return {data: line, done: true, line: ref.line}
      }

      return {data: {blockEnd: ref.blockEnd, indent: ref.indent}, done: undefined, line: ref.line}
    })
  },
  idPattern: /^T\d{2,4}[a-z]?$/,
  materialize(_doc, match, id, status) {
    const {blockEnd, indent} = match.data as {blockEnd: number; indent: string}
    return {after: blockEnd, kind: 'insert', text: `${indent}- [${status === 'done' ? 'x' : ' '}] ${id}`}
  },
  name: 'inline_subtasks',
  precedence: 30,
}
