import type {TaskDocumentView, TaskReferenceParser} from 'spec-kitty/api'

import {
  canonicalSubtask, indexById, perDocument, plainText,
} from './id-grammar.js'

/**
 * Rows of markdown tables whose ID column holds a subtask id (`| T001 | Schema | WP01 | [P] |`).
 * Status lives in a `Status` column when the header has one; otherwise in a trailing `[D]`/`[x]`/
 * `[ ]` cell, replaced when present (upstream appended a second one) and removed again by `pending`
 * when it was appended beyond the header's width. A row with neither is an index row: it is edited
 * only when no other representation records the id's status (a trailing `[D]` is materialized).
 */

const SEPARATOR_CELL = /^\s*:?-+:?\s*$/
const MARKER = /^\[([ DdXx])\]$/
const ID_HEADER = /^(?:(?:subtask|task)\s*(?:id)?|id|#)$/i
const STATUS_HEADER = /^status$/i
const WP_HEADER = /^(?:wp|wp\s*id|work\s*package(?:\s*id)?)$/i

export interface PipeRow {
  /** The raw pieces between pipes; index 0 is what precedes the first pipe. */
  cells: string[]
  done: boolean
  headerWidth: number
  id: string
  line: number
  /** Index in `cells` of the status cell, or -1. */
  statusCell: number
  statusColumn: boolean
  wp: string | undefined
}

const splitPipes = (line: string): string[] => (line.includes('\\') ? line.split(/(?<!\\)\|/) : line.split('|'))
const isPipeLine = (line: string): boolean => line.trimStart().startsWith('|')

/**
 * `|---|:--:|` and friends: every cell dashes with optional alignment colons. Checked cell by cell,
 * in one pass: the single-pattern form nested blanks inside a repeated group, which takes cubic
 * time on a line such as `| - |` followed by thousands of spaces.
 */
function isSeparator(line: string): boolean {
  const cells = line.trim().split('|')
  if (cells.length < 2) return false
  if (cells[0].trim() === '') cells.shift()
  if (cells.length > 0 && cells.at(-1)!.trim() === '') cells.pop()
  return cells.length > 0 && cells.every(cell => SEPARATOR_CELL.test(cell))
}

interface TableHeader {
  idColumn: number
  statusColumn: number
  width: number
  wpColumn: number
}

function readHeader(line: string): TableHeader {
  const cells = splitPipes(line).slice(1, -1).map(cell => plainText(cell))
  return {
    idColumn: Math.max(0, cells.findIndex(h => ID_HEADER.test(h))),
    statusColumn: cells.findIndex(h => STATUS_HEADER.test(h)),
    width: cells.length,
    wpColumn: cells.findIndex(h => WP_HEADER.test(h)),
  }
}

/** The header of the table each line belongs to, in one top-down pass (no walk back per row). */
function tableHeaders(doc: TaskDocumentView): Array<TableHeader | undefined> {
  const headers: Array<TableHeader | undefined> = []
  let current: TableHeader | undefined
  for (const [line, text] of doc.lines.entries()) {
    if (doc.fenced[line] || !isPipeLine(text)) current = undefined
    else if (isSeparator(text) && line > 0 && isPipeLine(doc.lines[line - 1]) && !doc.fenced[line - 1]) current = readHeader(doc.lines[line - 1])
    headers.push(current)
  }

  return headers
}

export const pipeRows = perDocument((doc: TaskDocumentView): PipeRow[] => {
  const rows: PipeRow[] = []
  const headers = tableHeaders(doc)
  for (const [line, text] of doc.lines.entries()) {
    const header = headers[line]
    if (!header || isSeparator(text)) continue
    const cells = splitPipes(text)
    const {idColumn, statusColumn, wpColumn} = header
    const idCell = plainText(cells[idColumn + 1] ?? '')
    if (!/^T\d{2,4}[A-Za-z]?$/.test(idCell)) continue
    // Cells are cells[1 .. length-2]; the last piece is whatever follows the closing pipe.
    const lastCell = cells.length - 2
    let statusCell = -1
    let done = false
    if (statusColumn >= 0 && statusColumn + 1 <= lastCell) {
      statusCell = statusColumn + 1
      done = /\[[dx]\]|^done$|✅/i.test(plainText(cells[statusCell]))
    } else if (statusColumn < 0 && lastCell > idColumn + 1 && MARKER.test(plainText(cells[lastCell]))) {
      statusCell = lastCell
      done = /[dx]/i.test(plainText(cells[lastCell]))
    }

    rows.push({
      cells,
      done,
      headerWidth: header.width,
      id: canonicalSubtask(idCell),
      line,
      statusCell,
      statusColumn: statusColumn >= 0,
      wp: wpColumn >= 0 ? plainText(cells[wpColumn + 1] ?? '') : undefined,
    })
  }

  return rows
})

function withCell(cell: string, marker: string): string {
  // Sliced, not matched: a trailing-blanks pattern is quadratic on a long run of blanks.
  const lead = cell.slice(0, cell.length - cell.trimStart().length) || ' '
  const trail = cell.slice(cell.trimEnd().length) || ' '
  return lead + marker + trail
}

const pipeRowsOf = indexById(pipeRows, row => [row.id])
const pipeRowAt = perDocument((doc: TaskDocumentView) => new Map(pipeRows(doc).map(row => [row.line, row])))

export const pipeTableParser: TaskReferenceParser = {
  apply(doc, match, _id, status) {
    const row = pipeRowAt(doc).get(match.line)!
    if (row.done === (status === 'done')) return null
    const cells = [...row.cells]
    if (status === 'done') {
      if (row.statusCell >= 0) cells[row.statusCell] = withCell(cells[row.statusCell], '[D]')
      else cells.splice(-1, 0, ' [D] ')
    } else if (!row.statusColumn && row.statusCell > row.headerWidth) {
      // An appended status cell: drop it (and any repeats upstream appended) to restore the row.
      let first = row.statusCell
      while (first - 1 > row.headerWidth && MARKER.test(plainText(cells[first - 1]))) first--
      cells.splice(first, row.statusCell - first + 1)
    } else {
      cells[row.statusCell] = withCell(cells[row.statusCell], '[ ]')
    }

    return {kind: 'replace', line: row.line, text: cells.join('|')}
  },
  // A row with no status cell and no Status column (an index table) only mentions the id: another
  // representation carries its status, and the row is left alone, as the Python CLI leaves it.
  find: (doc, id) => pipeRowsOf(doc, id).map(row => ({done: row.statusCell >= 0 ? row.done : undefined, line: row.line})),
  idPattern: /^T\d{2,4}[a-z]?$/,
  // When nothing else records the id's status, its table row gets one: a trailing [D] cell.
  materialize(doc, match, _id, status) {
    if (status !== 'done') return null
    const cells = [...pipeRowAt(doc).get(match.line)!.cells]
    cells.splice(-1, 0, ' [D] ')
    return {kind: 'replace', line: match.line, text: cells.join('|')}
  },
  name: 'pipe_table',
  precedence: 20,
}
