/** Markup that is already safe: produced by `html`, never by concatenating file contents. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text
  }
}

const ENTITIES: Record<string, string> = {
  '"': '&quot;', '&': '&amp;', '\'': '&#39;', '<': '&lt;', '>': '&gt;',
}

export const escapeHtml = (value: unknown): string => String(value).replaceAll(/["&'<>]/g, c => ENTITIES[c])

function render(value: unknown): string {
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(item => render(item)).join('')
  if (value === null || value === undefined || value === false) return ''
  return escapeHtml(value)
}

/**
 * A template that escapes every interpolated value unless it is itself `Html`: a WP title like
 * `<img src=x onerror=...>` from a mission file renders as text, whoever wrote the view.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]
  for (const [i, value] of values.entries()) out += render(value) + strings[i + 1]
  return new Html(out)
}
