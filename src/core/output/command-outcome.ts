import {CliError} from './cli-error.js'
import {ExitCode} from './exit-codes.js'
import {nearest} from './nearest.js'
import {parseErrorMessage} from './parse-error.js'
import {
  type CommandOutcome, printFailure, printHuman, printJson,
} from './render.js'

/**
 * The output contract (ARCHITECTURE §6) for every command, the core's and plugins' alike: a command
 * returns a CommandOutcome or throws; this prints exactly one JSON document with --json (success or
 * failure), human lines otherwise, and sets the exit code.
 */
export async function runCommand(json: boolean, execute: () => Promise<CommandOutcome>): Promise<void> {
  let outcome: CommandOutcome
  try {
    outcome = await execute()
  } catch (error) {
    outcome = failureOutcome(error)
  }

  if (json) printJson(outcome.document)
  else if (outcome.exitCode === ExitCode.ok || outcome.human.length > 0) printHuman(outcome.human)
  if (!json && outcome.error) printFailure(outcome.error, false)
  process.exitCode = outcome.exitCode
  await outcome.after?.()
}

/** A thrown error as the contract reports it: a CliError as itself, anything else as a bug. */
export function failureOutcome(error: unknown): CommandOutcome {
  const cliError
    = error instanceof CliError
      ? error
      : new CliError('internal_error', `Unexpected error: ${(error as Error)?.message ?? String(error)}`, {
        remediation: 'This is a bug in spec-kitty. Run again with DEBUG=* and report the output.',
      })
  if (!(error instanceof CliError) && process.env.DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`)
  return {
    document: cliError.toJSON(), error: cliError, exitCode: cliError.exitCode, human: [],
  }
}

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
