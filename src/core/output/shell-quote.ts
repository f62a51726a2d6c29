/** Quote an argument for a remediation command so that pasting it into a POSIX shell is safe. */
export function shellQuote(value: string): string {
  return /^[\w./:@=+-]+$/.test(value) ? value : `'${value.replaceAll("'", String.raw`'\''`)}'`
}
