import {escapeHtml, Html} from './html.js'

/**
 * `a`b`c` → pieces outside and inside the delimiter, by splitting (linear, no backtracking); an
 * unmatched last delimiter stays text.
 */
function paired(text: string, delimiter: string, outside: (piece: string) => string, inside: (piece: string) => string): string {
  const pieces = text.split(delimiter)
  if (pieces.length % 2 === 0) pieces.splice(-2, 2, pieces.at(-2)! + delimiter + pieces.at(-1)!)
  return pieces.map((piece, i) => (i % 2 === 0 ? outside(piece) : inside(piece))).join('')
}

/** Bounded quantifiers keep this linear on a line of a hundred thousand brackets. */
const LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)"'&<>]{1,500})\)/g

/** Inline Markdown: `code`, **bold**, and http(s) links only; everything else is escaped text. */
function inline(text: string): string {
  const plain = (piece: string) => paired(escapeHtml(piece).replaceAll(LINK, '<a href="$2" rel="noreferrer noopener">$1</a>'), '**', bold => bold, bold => `<strong>${bold}</strong>`)
  return paired(text, '`', plain, code => `<code>${escapeHtml(code)}</code>`)
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/
const CHECKBOX = /^\[([ xX])\]\s+(.*)$/

/**
 * The Markdown of a prompt file as HTML, for reading: headings, paragraphs, lists with checkboxes,
 * fenced code, block quotes, rules. Everything is escaped before any tag is added, so a file can
 * show markup but never inject it. Frontmatter is shown as a code block.
 */
export function markdownToHtml(markdown: string): Html {
  const out: string[] = []
  const lines = markdown.replaceAll('\r\n', '\n').split('\n')
  let paragraph: string[] = []
  let list: string[] | undefined
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(' '))}</p>`)
    paragraph = []
    if (list) out.push(`<ul>${list.join('')}</ul>`)
    list = undefined
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = /^(```|~~~)/.exec(line) ?? (i === 0 && line === '---' ? ['---'] : null)
    if (fence) {
      flush()
      const code: string[] = []
      for (i++; i < lines.length && !lines[i].startsWith(fence[0]); i++) code.push(lines[i])
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`)
      continue
    }

    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    const item = LIST_ITEM.exec(line)
    if (heading) {
      flush()
      out.push(`<h${heading[1].length + 1}>${inline(heading[2])}</h${heading[1].length + 1}>`)
    } else if (item) {
      if (paragraph.length > 0) flush()
      const box = CHECKBOX.exec(item[1])
      list ??= []
      list.push(box ? `<li class="task"><input type="checkbox" disabled${box[1] === ' ' ? '' : ' checked'}> ${inline(box[2])}</li>` : `<li>${inline(item[1])}</li>`)
    } else if (/^\s*(?:-{3,}|\*{3,})\s*$/.test(line)) {
      flush()
      out.push('<hr>')
    } else if (line.startsWith('>')) {
      flush()
      out.push(`<blockquote>${inline(line.replace(/^>\s?/, ''))}</blockquote>`)
    } else if (line.trim() === '') {
      flush()
    } else {
      if (list) flush()
      paragraph.push(line.trim())
    }
  }

  flush()
  return new Html(out.join('\n'))
}
