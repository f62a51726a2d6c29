import type {
  SubtaskStatus, TaskDocumentEdit, TaskReferenceMatch, TaskReferenceParser,
} from '../../api/index.js'
import type {TaskDocument} from './task-document.js'

import {CliError} from '../output/cli-error.js'

export interface RegisteredParser extends TaskReferenceParser {
  plugin: string
}

export type SubtaskState = 'done' | 'pending' | 'unknown'

interface Found {
  match: TaskReferenceMatch
  parser: RegisteredParser
}

/** The outcome of making one subtask id say a status: the edits that do it, not yet applied. */
export interface SubtaskResolution {
  edits: TaskDocumentEdit[]
  format: null | string
  outcome: 'already_satisfied' | 'not_found' | 'updated'
  /** Only references without status exist (an inline `Subtasks:` mention). */
  referenceOnly: boolean
}

/**
 * All task-reference parsers, from every plugin, in precedence order. The core owns the algorithm
 * (find every representation, edit all of them, decide the outcome); parsers own the grammar.
 */
export class TaskReferenceRegistry {
  private readonly listed = new WeakMap<TaskDocument, Map<string, string[]>>()
  readonly parsers: readonly RegisteredParser[]

  constructor(parsers: RegisteredParser[]) {
    const byName = new Map<string, RegisteredParser>()
    for (const parser of parsers) {
      assertParserShape(parser)
      const other = byName.get(parser.name)
      if (other) {
        throw new CliError('duplicate_contribution', `Task-reference parser "${parser.name}" is contributed by both ${other.plugin} and ${parser.plugin}.`, {
          remediation: `Uninstall one of the two plugins: spec-kitty plugins uninstall ${parser.plugin}`,
        })
      }

      byName.set(parser.name, parser)
    }

    this.parsers = [...parsers].sort((a, b) => a.precedence - b.precedence || a.name.localeCompare(b.name))
  }

  /** The parsers that expand `id` into owned subtasks (bare WP ids), in precedence order. */
  expanders(id: string): RegisteredParser[] {
    return this.parsers.filter(p => p.expand && p.idPattern.test(id))
  }

  formatNames(id: string): string[] {
    return this.parsersFor(id).map(p => p.name)
  }

  parsersFor(id: string): RegisteredParser[] {
    return this.parsers.filter(p => !p.expand && p.idPattern.test(id))
  }

  /**
   * The edits that make every representation of `id` say `status` (D2), materializing a row when
   * needed (D3). Not applied: a caller resolving many ids applies them in one rebuild.
   */
  resolveSubtask(doc: TaskDocument, id: string, status: SubtaskStatus): SubtaskResolution {
    const found = this.representations(doc, id)
    if (found.length === 0) return {
      edits: [], format: null, outcome: 'not_found', referenceOnly: false,
    }
    const format = found[0].parser.name
    const stateful = found.filter(f => f.match.done !== undefined)
    let edits: TaskDocumentEdit[]
    if (stateful.length > 0) {
      edits = stateful.map(f => f.parser.apply(doc, f.match, id, status)).filter((e): e is TaskDocumentEdit => e !== null)
    } else if (status === 'pending') {
      // Nothing records this id as done, so there is nothing to un-mark and nothing to insert.
      return {
        edits: [], format, outcome: 'already_satisfied', referenceOnly: true,
      }
    } else {
      const materializer = found.find(f => f.parser.materialize)
      const edit = materializer?.parser.materialize!(doc, materializer.match, id, status)
      edits = edit ? [edit] : []
      if (edits.length === 0) return {
        edits, format, outcome: 'not_found', referenceOnly: true,
      }
    }

    return {
      edits, format, outcome: edits.length === 0 ? 'already_satisfied' : 'updated', referenceOnly: stateful.length === 0 && edits.length > 0,
    }
  }

  /** Is this subtask done? The first representation with a status decides (they agree after D2). */
  subtaskState(doc: TaskDocument, id: string): SubtaskState {
    const found = this.representations(doc, id)
    if (found.length === 0) return 'unknown'
    const stateful = found.find(f => f.match.done !== undefined)
    if (!stateful) return 'pending'
    return stateful.match.done ? 'done' : 'pending'
  }

  /**
   * The work package a subtask belongs to: the tasks.md section of its first representation, else
   * the WP whose prompt file lists it. By whole ids, as the parsers match them (T001 is not T0012).
   */
  ownerOf(doc: TaskDocument, id: string): string | undefined {
    for (const {match} of this.representations(doc, id)) {
      const wp = doc.wpOfLine(match.line)
      if (wp) return wp
    }

    return doc.workPackageIds().find(wp => doc.promptSubtasks(wp).includes(id))
  }

  /**
   * Subtask ids a work package owns, or undefined when the WP does not exist: what every expander
   * gives (the built-in one: its sections' rows, its frontmatter; a plugin's adds to it, never
   * replaces it) plus the ids a plugin format lists on lines of its section. The one list the board,
   * the lane guards and `mark-status WPnn` use.
   */
  subtasksOf(doc: TaskDocument, wpId: string): string[] | undefined {
    const expansions = this.expanders(wpId).map(p => p.expand!(doc, wpId)).filter((ids): ids is string[] => ids !== undefined)
    if (expansions.length === 0) return undefined
    const listed = this.listedByWp(doc).get(wpId.toUpperCase()) ?? []
    const all = [...expansions.flat(), ...listed]
    return expansions.length === 1 && listed.length === 0 ? expansions[0] : [...new Set(all)]
  }

  /** How many of a WP's subtasks are done: the numbers the board and list-tasks show. */
  subtaskCounts(doc: TaskDocument, wpId: string): {done: number; total: number} {
    const owned = this.subtasksOf(doc, wpId) ?? []
    return {done: owned.length - this.notDone(doc, owned).length, total: owned.length}
  }

  /** A WP's subtasks that no row records as done (an id with no row at all included). */
  unfinishedSubtasks(doc: TaskDocument, wpId: string): string[] {
    return this.notDone(doc, this.subtasksOf(doc, wpId) ?? [])
  }

  private notDone(doc: TaskDocument, ids: readonly string[]): string[] {
    return ids.filter(id => this.subtaskState(doc, id) !== 'done')
  }

  /** Ids of listing formats by the WP whose section holds their line, once per document. */
  private listedByWp(doc: TaskDocument): Map<string, string[]> {
    let byWp = this.listed.get(doc)
    if (byWp) return byWp
    byWp = new Map()
    for (const parser of this.parsers) {
      for (const {id, line} of parser.list?.(doc) ?? []) {
        const wp = doc.wpOfLine(line)?.toUpperCase()
        if (wp) byWp.set(wp, [...(byWp.get(wp) ?? []), id])
      }
    }

    this.listed.set(doc, byWp)
    return byWp
  }

  private representations(doc: TaskDocument, id: string): Found[] {
    // eslint-disable-next-line unicorn/no-array-callback-reference, unicorn/no-array-method-this-argument -- TaskReferenceParser.find, not Array#find
    return this.parsersFor(id).flatMap(parser => parser.find(doc, id).map(match => ({match, parser})))
  }
}

/**
 * A contribution is the plugin's data: one without its parts is the plugin's mistake, named as such,
 * not a crash later inside the core.
 */
function assertParserShape(parser: RegisteredParser): void {
  const missing = [
    typeof parser.name === 'string' && parser.name !== '' ? undefined : 'name (a string)',
    typeof parser.precedence === 'number' ? undefined : 'precedence (a number)',
    parser.idPattern instanceof RegExp ? undefined : 'idPattern (a RegExp)',
    typeof parser.find === 'function' ? undefined : 'find()',
    typeof parser.apply === 'function' ? undefined : 'apply()',
  ].filter(Boolean)
  if (missing.length > 0) {
    throw new CliError('invalid_contribution', `Plugin ${parser.plugin} contributes a task-reference parser${typeof parser.name === 'string' ? ` "${parser.name}"` : ''} without ${missing.join(', ')}.`, {
      remediation: `Update or uninstall the plugin: spec-kitty plugins uninstall ${parser.plugin}`,
    })
  }
}

/**
 * Apply edits in a single rebuild: replaces first, then deletes bottom-up, then inserts. Line numbers
 * all refer to `doc`, so the edits may hold at most one insert or delete (one id's; replaces never
 * shift lines and may come from many ids). When two parsers edit one line, a delete wins.
 */
export function applyEdits(doc: TaskDocument, edits: readonly TaskDocumentEdit[]): TaskDocument {
  const deleted = new Set(edits.filter(e => e.kind === 'delete').map(e => e.line))
  const replacements = new Map<number, string>()
  for (const edit of edits) if (edit.kind === 'replace' && !deleted.has(edit.line) && !replacements.has(edit.line)) replacements.set(edit.line, edit.text)
  const ordered: TaskDocumentEdit[] = [
    ...[...replacements].map(([line, text]) => ({kind: 'replace' as const, line, text})),
    ...[...deleted].sort((a, b) => b - a).map(line => ({kind: 'delete' as const, line})),
    ...edits.filter(e => e.kind === 'insert'),
  ]
  return doc.applyAll(ordered)
}
