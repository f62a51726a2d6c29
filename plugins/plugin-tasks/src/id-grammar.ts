/** The subtask-id grammar every built-in parser shares (D4), so no two parsers disagree on an id. */

/** T001, T37b, T0001: 2 to 4 digits and an optional one-letter suffix. */
export const SUBTASK_TOKEN = String.raw`T\d{2,4}[A-Za-z]?`
/** An id ends where a letter or digit cannot continue it: T001 never matches T0012 or T001b. */
export const ID_END = String.raw`(?![A-Za-z0-9])`

const TOKEN_OR_RANGE = new RegExp(String.raw`(?<![A-Za-z0-9])(${SUBTASK_TOKEN})${ID_END}(?:\s*[-–—]\s*(${SUBTASK_TOKEN})${ID_END})?`, 'g')

export function canonicalSubtask(token: string): string {
  return `T${token.slice(1).replace(/[A-Za-z]$/, s => s.toLowerCase())}`
}

/** T001-T005 → T001…T005 (same width); a range with suffixes or reversed bounds gives its ends only. */
function expandRange(from: string, to: string): string[] {
  const a = /^T(\d+)$/.exec(from)
  const b = /^T(\d+)$/.exec(to)
  if (!a || !b || a[1].length !== b[1].length) return [from, to]
  const start = Number(a[1])
  const end = Number(b[1])
  if (end < start || end - start > 500) return [from, to]
  return Array.from({length: end - start + 1}, (_, i) => `T${String(start + i).padStart(a[1].length, '0')}`)
}

/** Every subtask id mentioned in a piece of text, with ranges expanded, in order, without repeats. */
export function subtaskIdsIn(text: string): string[] {
  const ids: string[] = []
  for (const match of text.matchAll(TOKEN_OR_RANGE)) {
    const from = canonicalSubtask(match[1])
    ids.push(...(match[2] ? expandRange(from, canonicalSubtask(match[2])) : [from]))
  }

  return [...new Set(ids)]
}

export function sameId(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase()
}

/** Text of a table cell or list item without markdown emphasis or code marks. */
export function plainText(cell: string): string {
  return cell.replaceAll(/\*\*|__|`/g, '').trim()
}

/** Memoize a whole-document scan per document instance (documents are immutable). */
export function perDocument<D extends object, T>(scan: (doc: D) => T): (doc: D) => T {
  const cache = new WeakMap<D, T>()
  return doc => {
    let value = cache.get(doc)
    if (value === undefined) {
      value = scan(doc)
      cache.set(doc, value)
    }

    return value
  }
}

/**
 * Group a document's rows by id (compared as sameId compares), once per document: `find` for one id
 * is then a lookup, and resolving every subtask of a mission stays linear in its size.
 */
export function indexById<D extends object, R>(rowsOf: (doc: D) => readonly R[], idsOf: (row: R) => readonly string[]): (doc: D, id: string) => readonly R[] {
  const index = perDocument((doc: D) => {
    const byId = new Map<string, R[]>()
    for (const row of rowsOf(doc)) {
      for (const id of new Set(idsOf(row).map(one => one.toUpperCase()))) {
        const rows = byId.get(id)
        if (rows) rows.push(row)
        else byId.set(id, [row])
      }
    }

    return byId
  })
  return (doc, id) => index(doc).get(id.toUpperCase()) ?? []
}
