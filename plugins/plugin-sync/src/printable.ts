/** Text from a server or a file as one printable piece of a line: control characters become spaces, at most `max` characters. */
export const printable = (value: unknown, max: number): string => [...String(value ?? '')].map(c => (c < ' ' || c === '\u007F' ? ' ' : c)).join('').slice(0, max)
