import type {TaskDocumentView, TaskReferenceParser} from 'spec-kitty/api'

import {
  canonicalSubtask, ID_END, indexById, perDocument, SUBTASK_TOKEN,
} from './id-grammar.js'

/**
 * `- [ ] T001 …` rows, also `[X]`, `*`/`+`/numbered bullets, indented rows, `**T001**`, `T001:`.
 * Upstream's format 1; the edit flips only the box character, so plain rows become exactly what
 * upstream writes (`- [x] T001 …`).
 */
const ROW = new RegExp(String.raw`^(\s*(?:[-*+]|\d+[.)])\s*\[)([ xX])(\]\s*(?:\*\*)?)(${SUBTASK_TOKEN})${ID_END}`)

export interface CheckboxRow {
  done: boolean
  id: string
  line: number
}

export const checkboxRows = perDocument((doc: TaskDocumentView): CheckboxRow[] => {
  const rows: CheckboxRow[] = []
  for (const [line, text] of doc.lines.entries()) {
    if (doc.fenced[line]) continue
    const match = ROW.exec(text)
    if (match) rows.push({done: match[2] !== ' ', id: canonicalSubtask(match[4]), line})
  }

  return rows
})

const checkboxRowsOf = indexById(checkboxRows, row => [row.id])

export const checkboxParser: TaskReferenceParser = {
  apply(doc, match, _id, status) {
    const text = doc.lines[match.line]
    const m = ROW.exec(text)!
    const done = m[2] !== ' '
    if (done === (status === 'done')) return null
    return {kind: 'replace', line: match.line, text: m[1] + (status === 'done' ? 'x' : ' ') + text.slice(m[1].length + 1)}
  },
  find: (doc, id) => checkboxRowsOf(doc, id).map(row => ({done: row.done, line: row.line})),
  idPattern: /^T\d{2,4}[a-z]?$/,
  name: 'checkbox',
  precedence: 10,
}
