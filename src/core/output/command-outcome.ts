import {CliError} from './cli-error.js'
import {ExitCode} from './exit-codes.js'
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
