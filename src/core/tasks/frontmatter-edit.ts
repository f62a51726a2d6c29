/**
 * Set top-level keys of a prompt file's YAML frontmatter by editing only their lines: every other
 * line (unknown keys, comments, nested lists, key order) stays byte for byte. A key that is there is
 * replaced in place (a one-line value only: a block value is left alone rather than half-rewritten);
 * a missing key is added before the closing `---`. No frontmatter, no change.
 */
export function withFrontmatterKeys(text: string, values: Readonly<Record<string, string>>): string {
  const lines = text.split('\n')
  if (lines[0]?.replace(/^\uFEFF/, '').trimEnd() !== '---') return text
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---')
  if (end === -1) return text
  let close = end
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}: ${JSON.stringify(value)}`
    const at = lines.findIndex((candidate, index) => index > 0 && index < close && candidate.startsWith(`${key}:`))
    if (at === -1) {
      lines.splice(close, 0, line)
      close++
    } else if (/^[^:]+:\s*\S/.test(lines[at]) && !/^[^:]+:\s*[|>]/.test(lines[at])) {
      lines[at] = line
    }
  }

  return lines.join('\n')
}
