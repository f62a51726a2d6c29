import {isDeepStrictEqual} from 'node:util'
import {parse, stringify} from 'yaml'

/**
 * Edits of top-level keys in a prompt file's YAML frontmatter that touch only those keys' lines:
 * every other line (unknown keys, comments, nested lists, key order) stays byte for byte. A missing
 * key goes where Spec Kitty 3.2 would write it: its fixed keys in this order, any other key after
 * them in alphabetical order. No frontmatter, no change.
 */
export const WP_FIELD_ORDER: readonly string[] = [
  'work_package_id',
  'title',
  'dependencies',
  'requirement_refs',
  'tracker_refs',
  'planning_base_branch',
  'merge_target_branch',
  'branch_strategy',
  'base_branch',
  'base_commit',
  'created_at',
  'subtasks',
  'phase',
  'assignee',
  'agent',
  'shell_pid',
  'history',
]

interface Frontmatter {
  /** Index of the closing `---`. */
  close: number
  lines: string[]
}

function frontmatterOf(text: string): Frontmatter | undefined {
  const lines = text.split('\n')
  if (lines[0]?.replace(/^\uFEFF/, '').trimEnd() !== '---') return undefined
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---')
  return close === -1 ? undefined : {close, lines}
}

/** The line range [start, end) of a top-level key and its indented or `- ` continuation lines. */
function blockOf(fm: Frontmatter, key: string): undefined | {end: number; start: number} {
  const start = fm.lines.findIndex((line, index) => index > 0 && index < fm.close && line.startsWith(`${key}:`))
  if (start === -1) return undefined
  let end = start + 1
  while (end < fm.close && /^(?:[ \t]|-(?:\s|$))/.test(fm.lines[end])) end++
  return {end, start}
}

function topLevelKeys(fm: Frontmatter): string[] {
  return fm.lines.slice(1, fm.close).map(line => /^([^\s#:-][^:]*):/.exec(line)?.[1]).filter((key): key is string => key !== undefined)
}

/** A key's place in Spec Kitty's order: its fixed position, else after them all, alphabetically. */
const rank = (k: string): [number, string] => (WP_FIELD_ORDER.includes(k) ? [WP_FIELD_ORDER.indexOf(k), ''] : [WP_FIELD_ORDER.length, k])

/** Where Spec Kitty's writer would put `key` among the keys that are there: the line to insert at. */
function insertionLine(fm: Frontmatter, key: string): number {
  const present = topLevelKeys(fm)
  const [keyRank, keyName] = rank(key)
  const before = present.filter(k => {
    const [r, name] = rank(k)
    return r < keyRank || (r === keyRank && name < keyName)
  })
  // After the last key that sorts before it (in file order), else first.
  const anchor = before.at(-1)
  return anchor === undefined ? 1 : blockOf(fm, anchor)!.end
}

function setBlock(fm: Frontmatter, key: string, lines: string[]): void {
  const block = blockOf(fm, key)
  if (block) {
    fm.lines.splice(block.start, block.end - block.start, ...lines)
    fm.close += lines.length - (block.end - block.start)
  } else {
    fm.lines.splice(insertionLine(fm, key), 0, ...lines)
    fm.close += lines.length
  }
}

/**
 * Set keys to one-line double-quoted strings, as Spec Kitty's move-task writes `agent:` and
 * `shell_pid:`. A key whose value is a block (`|`, `>`, or on the next lines) is left alone rather
 * than half-rewritten.
 */
export function withFrontmatterKeys(text: string, values: Readonly<Record<string, string>>): string {
  const fm = frontmatterOf(text)
  if (!fm) return text
  for (const [key, value] of Object.entries(values)) {
    const block = blockOf(fm, key)
    if (block && (block.end > block.start + 1 || !/^[^:]+:\s*\S/.test(fm.lines[block.start]) || /^[^:]+:\s*[|>]/.test(fm.lines[block.start]))) continue
    setBlock(fm, key, [`${key}: ${JSON.stringify(value)}`])
  }

  return fm.lines.join('\n')
}

/**
 * Set keys to YAML values rendered as Spec Kitty's writer renders them (plain scalars where YAML
 * allows, block lists at column 0, `[]` when empty). A key whose current value is already equal is
 * not rewritten, whatever its spelling, so a second run changes nothing.
 */
export function withFrontmatterValues(text: string, values: Readonly<Record<string, readonly string[] | string>>): string {
  const fm = frontmatterOf(text)
  if (!fm) return text
  for (const [key, value] of Object.entries(values)) {
    const block = blockOf(fm, key)
    if (block) {
      let current: unknown
      try {
        current = (parse(fm.lines.slice(block.start, block.end).join('\n')) as Record<string, unknown> | null)?.[key]
      } catch {
        current = undefined
      }

      if (isDeepStrictEqual(current, value)) continue
    }

    setBlock(fm, key, stringify({[key]: value}, {indentSeq: false, lineWidth: 0}).trimEnd().split('\n'))
  }

  return fm.lines.join('\n')
}
