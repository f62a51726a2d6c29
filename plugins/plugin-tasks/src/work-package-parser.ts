import type {TaskReferenceParser} from 'spec-kitty/api'

import {bulletItems} from './bullet-item-parser.js'
import {checkboxRows} from './checkbox-parser.js'
import {sameId} from './id-grammar.js'
import {inlineReferences} from './inline-subtasks-parser.js'
import {pipeRows} from './pipe-table-parser.js'

/**
 * Bare work-package ids (D1): `WP02` stands for every subtask the WP owns — checkbox rows, plain
 * list items and `Subtasks:` references inside its section, table rows whose WP column names it, and its prompt
 * file's `subtasks:` list. It never moves a lane; that is move-task's job, behind its guards.
 */
export const workPackageParser: TaskReferenceParser = {
  apply: () => null,
  expand(doc, wpId) {
    if (!doc.workPackageIds().some(id => sameId(id, wpId))) return
    const owned = [
      ...checkboxRows(doc).filter(row => doc.wpOfLine(row.line) === wpId).map(row => row.id),
      ...bulletItems(doc).filter(item => doc.wpOfLine(item.line) === wpId).map(item => item.id),
      ...inlineReferences(doc).filter(ref => doc.wpOfLine(ref.line) === wpId).flatMap(ref => ref.ids),
      ...pipeRows(doc).filter(row => row.wp !== undefined && sameId(row.wp, wpId)).map(row => row.id),
      ...doc.promptSubtasks(wpId),
    ]
    return [...new Set(owned)]
  },
  find: () => [],
  idPattern: /^WP\d{2,}$/,
  name: 'wp_id',
  precedence: 40,
}
