import type {TaskDocumentEdit, TaskDocumentView} from '../../api/index.js'

/** `### WP01: …`, `## Work Package WP01`, `## Work Package 01 — …` (upstream misses the last one). */
const WP_HEADING = /^(#{1,6})\s+(?:\*\*)?(?:Work\s+Package\s+(?:WP)?|WP)(\d{2,})\b/i
const HEADING = /^(#{1,6})\s/
const FENCE = /^\s*(```|~~~)/

/**
 * tasks.md as lines plus the facts every parser needs: which lines are inside code fences and which
 * work-package section each line belongs to. Line terminators are kept per line so that an edit
 * never changes the bytes of untouched lines (CRLF files stay CRLF).
 */
export class TaskDocument implements TaskDocumentView {
  readonly fenced: boolean[]
  readonly lines: string[]
  private readonly promptSubtaskIndex: ReadonlyMap<string, readonly string[]>
  private readonly sectionOfLine: Array<string | undefined>
  private readonly terminators: string[]

  constructor(text: string, promptSubtasks: ReadonlyMap<string, readonly string[]> = new Map()) {
    const parts = text.split(/(\r?\n)/)
    this.lines = []
    this.terminators = []
    for (let i = 0; i < parts.length; i += 2) {
      if (i === parts.length - 1 && parts[i] === '') break
      this.lines.push(parts[i])
      this.terminators.push(parts[i + 1] ?? '')
    }

    this.promptSubtaskIndex = promptSubtasks
    this.fenced = this.computeFences()
    this.sectionOfLine = this.computeSections()
  }

  /** Line terminator to use for inserted lines: the file's own. */
  get newline(): string {
    return this.terminators.find(t => t !== '') ?? '\n'
  }

  /** A new document with the edits applied in order (edits shift lines, so the view is rebuilt once). */
  applyAll(edits: readonly TaskDocumentEdit[]): TaskDocument {
    const lines = [...this.lines]
    const terminators = [...this.terminators]
    const {newline} = this
    for (const edit of edits) {
      if (edit.kind === 'replace') {
        lines[edit.line] = edit.text
      } else if (edit.kind === 'delete') {
        // Deleting an unterminated last line makes the line above it the unterminated one again.
        if (terminators[edit.line] === '' && edit.line > 0) terminators[edit.line - 1] = ''
        lines.splice(edit.line, 1)
        terminators.splice(edit.line, 1)
      } else {
        // The new line takes the file's newline; after an unterminated last line, it becomes the last.
        const unterminated = terminators[edit.after] === ''
        if (unterminated) terminators[edit.after] = newline
        lines.splice(edit.after + 1, 0, edit.text)
        terminators.splice(edit.after + 1, 0, unterminated ? '' : newline)
      }
    }

    return new TaskDocument(lines.map((line, i) => line + terminators[i]).join(''), this.promptSubtaskIndex)
  }

  promptSubtasks(wpId: string): readonly string[] {
    return this.promptSubtaskIndex.get(wpId) ?? []
  }

  /** Work packages: section headings in order, then prompt files without a section. */
  workPackageIds(): string[] {
    const sections = this.sectionOfLine.filter((id): id is string => id !== undefined)
    return [...new Set([...[...this.promptSubtaskIndex.keys()].sort(), ...sections])]
  }

  text(): string {
    return this.lines.map((line, i) => line + this.terminators[i]).join('')
  }

  /** The title a WP's section heading gives it (`## WP01: Setup` → `Setup`), or undefined. */
  sectionTitle(wpId: string): string | undefined {
    for (const [index, line] of this.lines.entries()) {
      const heading = WP_HEADING.exec(line)
      if (!heading || this.fenced[index] || `WP${heading[2]}` !== wpId) continue
      const title = line.slice(heading[0].length).replaceAll('**', '').replace(/^[\s:.\u2013\u2014-]+/, '').trim()
      return title || undefined
    }

    return undefined
  }

  wpOfLine(line: number): string | undefined {
    return this.sectionOfLine[line]
  }

  private computeFences(): boolean[] {
    let open: string | undefined
    return this.lines.map(line => {
      const fence = FENCE.exec(line)?.[1]
      if (open === undefined) {
        if (fence) open = fence
        return fence !== undefined
      }

      if (fence === open) open = undefined
      return true
    })
  }

  /** A WP section runs to the next heading of the same or a higher level, or the next WP heading. */
  private computeSections(): Array<string | undefined> {
    let current: string | undefined
    let level = 0
    return this.lines.map((line, i) => {
      if (this.fenced[i]) return current
      const wp = WP_HEADING.exec(line)
      if (wp) {
        current = `WP${wp[2]}`
        level = wp[1].length
        return current
      }

      const heading = HEADING.exec(line)
      if (heading && heading[1].length <= level) {
        current = undefined
        level = 0
      }

      return current
    })
  }
}
