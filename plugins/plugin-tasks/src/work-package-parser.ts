import type {TaskDocumentView, TaskReferenceParser} from 'spec-kitty/api'

import {bulletItems} from './bullet-item-parser.js'
import {checkboxRows} from './checkbox-parser.js'
import {perDocument} from './id-grammar.js'
import {inlineReferences} from './inline-subtasks-parser.js'
import {pipeRows} from './pipe-table-parser.js'

/** Every WP's subtasks from the document, in one pass (upper-case WP ids as keys, as sameId compares). */
const sectionSubtasks = perDocument((doc: TaskDocumentView) => {
  const byWp = new Map<string, string[]>()
  const add = (wp: string | undefined, ids: readonly string[]) => {
    if (wp === undefined) return
    const key = wp.toUpperCase()
    const owned = byWp.get(key)
    if (owned) owned.push(...ids)
    else byWp.set(key, [...ids])
  }

  for (const row of checkboxRows(doc)) add(doc.wpOfLine(row.line), [row.id])
  for (const item of bulletItems(doc)) add(doc.wpOfLine(item.line), [item.id])
  for (const ref of inlineReferences(doc)) add(doc.wpOfLine(ref.line), ref.ids)
  for (const row of pipeRows(doc)) add(row.wp, [row.id])
  return byWp
})

const knownWorkPackages = perDocument((doc: TaskDocumentView) => new Set(doc.workPackageIds().map(id => id.toUpperCase())))

/**
 * Bare work-package ids (D1): `WP02` stands for every subtask the WP owns — checkbox rows, plain
 * list items and `Subtasks:` references inside its section, table rows whose WP column names it, and its prompt
 * file's `subtasks:` list. It never moves a lane; that is move-task's job, behind its guards.
 */
export const workPackageParser: TaskReferenceParser = {
  apply: () => null,
  expand(doc, wpId) {
    if (!knownWorkPackages(doc).has(wpId.toUpperCase())) return
    return [...new Set([...(sectionSubtasks(doc).get(wpId.toUpperCase()) ?? []), ...doc.promptSubtasks(wpId)])]
  },
  find: () => [],
  idPattern: /^WP\d{2,}$/,
  name: 'wp_id',
  precedence: 40,
}
