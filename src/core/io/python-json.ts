/**
 * JSON in the exact spellings Python's `json.dumps` produces, because Spec Kitty 3.2.0 compares and
 * merges these files as text: event lines use sorted keys, `", "`/`": "` separators and escaped
 * non-ASCII; status.json and meta.json use indent 2, sorted keys and raw non-ASCII.
 */

function escapeNonAscii(json: string): string {
  // Astral characters are already two UTF-16 units here, which is exactly Python's surrogate-pair form.
  return json.replaceAll(/[\u0080-\uFFFF]/g, ch => String.raw`\u` + ch.codePointAt(0)!.toString(16).padStart(4, '0'))
}

function encodeString(value: string, ensureAscii: boolean): string {
  const json = JSON.stringify(value)
  return ensureAscii ? escapeNonAscii(json) : json
}

function encode(value: unknown, ensureAscii: boolean, indent: number | undefined, depth: number, sortKeys = true): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return encodeString(value, ensureAscii)
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value)
  const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (depth + 1))
  const closePad = indent === undefined ? '' : '\n' + ' '.repeat(indent * depth)
  const separator = indent === undefined ? ', ' : ','
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const items = value.map(item => pad + encode(item, ensureAscii, indent, depth + 1, sortKeys))
    return '[' + items.join(separator) + closePad + ']'
  }

  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : (a > b ? 1 : 0)))
  if (entries.length === 0) return '{}'
  const items = entries.map(([k, v]) => pad + encodeString(k, ensureAscii) + ': ' + encode(v, ensureAscii, indent, depth + 1, sortKeys))
  return '{' + items.join(separator) + closePad + '}'
}

/** `json.dumps(value, sort_keys=True)`: one line, Python separators, non-ASCII escaped. */
export function pythonJsonLine(value: unknown): string {
  return encode(value, true, undefined, 0)
}

/**
 * `json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"`; with `sortKeys: false`
 * the keys keep their insertion order (lanes.json is written from dataclasses, not sorted).
 */
export function pythonJsonDocument(value: unknown, {sortKeys = true}: {sortKeys?: boolean} = {}): string {
  return encode(value, false, 2, 0, sortKeys) + '\n'
}
