/**
 * oclif's parse errors span lines ("The following error occurred:", the reasons, "See more help
 * with --help"); the message users need is the reasons, on one line.
 */
export function parseErrorMessage(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split('\n').map(line => line.trim())
  const reasons = lines.filter(line => line !== '' && !/^The following errors? occurred:?$/.test(line) && !line.startsWith('See more help'))
  // "Missing 1 required arg:" introduces the next line; other lines are separate reasons.
  let message = ''
  for (const line of reasons) message = message === '' ? line : `${message}${message.endsWith(':') ? ' ' : '; '}${line}`
  return message.replaceAll(/\s{2,}/g, ' ') || 'Invalid command line.'
}
