import {CliError} from './cli-error.js'
import {nearest} from './nearest.js'
import {parseErrorMessage} from './parse-error.js'

// Its own module: the edit distance behind the suggestion initialises ICU's collator when it loads,
// which the lean launcher (which leaves usage errors to oclif) must not pay for on every start.

/**
 * An oclif parse failure as a usage error (exit 2), with the nearest real flag for an unknown one
 * (--tto → --to). A CliError a flag's own parse() threw keeps its code and words.
 */
export function usageErrorFromParse(error: unknown, commandId: string | undefined, flagNames: readonly string[]): CliError {
  if (error instanceof CliError) {
    error.message = error.reason
    return error
  }

  const help = `See: spec-kitty ${commandId?.replaceAll(':', ' ')} --help`
  const unknown = (error as {flags?: unknown}).flags
  const typed = Array.isArray(unknown) && typeof unknown[0] === 'string' ? unknown[0].split('=')[0] : undefined
  const suggestion = typed === undefined ? undefined : nearest(typed, flagNames.map(name => `--${name}`))
  return new CliError('usage_error', parseErrorMessage(error), {remediation: suggestion ? `Did you mean ${suggestion}? ${help}` : help})
}
