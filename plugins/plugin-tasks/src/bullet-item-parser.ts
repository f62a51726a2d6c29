import type {TaskDocumentView, TaskReferenceParser} from 'spec-kitty/api'

import {
  canonicalSubtask, ID_END, indexById, perDocument, SUBTASK_TOKEN,
} from './id-grammar.js'

/**
 * Plain list items that start with a subtask id, without a checkbox (`- T001 [WP01] Add …`,
 * `- T002 — Rewrite …`). Upstream found none of these (every id not_found). Such an item carries no
 * status; `done` turns it into a checkbox row in place (`- [x] T001 [WP01] Add …`), which every
 * Spec Kitty version then reads as a checkbox.
 */
const ITEM = new RegExp(String.raw`^(\s*(?:[-*+]|\d+[.)])\s+)(?!\[)((?:\*\*)?(${SUBTASK_TOKEN})${ID_END})`)

export interface BulletItem {
  id: string
  line: number
}

export const bulletItems = perDocument((doc: TaskDocumentView): BulletItem[] => {
  const items: BulletItem[] = []
  for (const [line, text] of doc.lines.entries()) {
    if (doc.fenced[line]) continue
    const match = ITEM.exec(text)
    if (match) items.push({id: canonicalSubtask(match[3]), line})
  }

  return items
})

const bulletItemsOf = indexById(bulletItems, item => [item.id])

export const bulletItemParser: TaskReferenceParser = {
  apply: () => null,
  find: (doc, id) => bulletItemsOf(doc, id).map(item => ({done: undefined, line: item.line})),
  idPattern: /^T\d{2,4}[a-z]?$/,
  materialize(doc, match, _id, status) {
    const text = doc.lines[match.line]
    const prefix = ITEM.exec(text)![1]
    return {kind: 'replace', line: match.line, text: `${prefix}[${status === 'done' ? 'x' : ' '}] ${text.slice(prefix.length)}`}
  },
  name: 'bullet_item',
  precedence: 35,
}
