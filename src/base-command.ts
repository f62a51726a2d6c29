import {Command, Flags, type Interfaces} from '@oclif/core'

import {CliError} from './core/output/cli-error.js'
import {ExitCode} from './core/output/exit-codes.js'
import {nearest} from './core/output/nearest.js'
import {parseErrorMessage} from './core/output/parse-error.js'
import {
  type CommandOutcome, printFailure, printHuman, printJson,
} from './core/output/render.js'

/**
 * The output contract (ARCHITECTURE §6) in one place: a command returns a CommandOutcome or throws
 * a CliError; this class prints exactly one JSON document with --json (success or failure), human
 * lines otherwise, and sets the exit code. oclif's own JSON mode is not used because it drops
 * custom exit codes on errors.
 */
export abstract class SpecKittyCommand extends Command {
  static baseFlags = {
    json: Flags.boolean({description: 'Print exactly one JSON document on stdout, for success and failure alike.', helpGroup: 'GLOBAL'}),
  }

  protected get jsonMode(): boolean {
    return this.argv.includes('--json')
  }

  /** Parse flags and args; any parse failure is a usage error (exit 2), in JSON mode too. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors oclif's own parse() bounds
  protected async parseInput<F extends Record<string, any>, B extends Record<string, any>, A extends Record<string, any>>(options: Interfaces.Input<F, B, A>): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await this.parse(options, this.argv)
    } catch (error) {
      // A flag's own parse() refuses bad values with a specific CliError: keep it, in its own words.
      if (error instanceof CliError) {
        error.message = error.reason
        throw error
      }

      const message = parseErrorMessage(error)
      const help = `See: spec-kitty ${this.id?.replaceAll(':', ' ')} --help`
      throw new CliError('usage_error', message, {exitCode: ExitCode.usage, remediation: flagSuggestion(error, options.flags, help) ?? help})
    }
  }

  protected abstract execute(): Promise<CommandOutcome>

  async run(): Promise<void> {
    let outcome: CommandOutcome
    try {
      outcome = await this.execute()
    } catch (error) {
      outcome = failureOutcome(error)
    }

    if (this.jsonMode) printJson(outcome.document)
    else if (outcome.exitCode === ExitCode.ok || outcome.human.length > 0) printHuman(outcome.human)
    if (!this.jsonMode && outcome.error) printFailure(outcome.error, false)
    process.exitCode = outcome.exitCode
  }
}

function failureOutcome(error: unknown): CommandOutcome {
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

/** For an unknown flag (oclif's NonExistentFlagsError lists them), the nearest real one: --tto → --to. */
function flagSuggestion(error: unknown, flags: Record<string, unknown> | undefined, help: string): string | undefined {
  const unknown = (error as {flags?: unknown}).flags
  if (!Array.isArray(unknown) || typeof unknown[0] !== 'string') return undefined
  const known = Object.keys({...flags, ...SpecKittyCommand.baseFlags}).map(name => `--${name}`)
  const typed = unknown[0].split('=')[0]
  const suggestion = nearest(typed, known)
  return suggestion ? `Did you mean ${suggestion}? ${help}` : undefined
}
