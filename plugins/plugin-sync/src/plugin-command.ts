import {Command, Flags, type Interfaces} from '@oclif/core'

import {SessionFileError} from './session.js'

/** An expected failure with a stable code and a remediation (the same contract as the core's). */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly remediation: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

export interface Outcome {
  document: Record<string, unknown>
  exitCode: number
  human: string[]
}

/**
 * The CLI's output contract for this plugin's commands: --json prints exactly one document on
 * stdout for success and failure; exit 0/1/2. (A plugin cannot import the core's base command.)
 */
export abstract class PluginCommand extends Command {
  static baseFlags = {json: Flags.boolean({default: false, description: 'Print exactly one JSON document on stdout, for success and failure alike.', helpGroup: 'GLOBAL'})}

  protected abstract execute(): Promise<Outcome>

  /** Parse flags and args; any parse failure is a usage error (exit 2), in JSON mode too. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors oclif's own parse() bounds
  protected async parseInput<F extends Record<string, any>, B extends Record<string, any>, A extends Record<string, any>>(options: Interfaces.Input<F, B, A>): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await this.parse(options, this.argv)
    } catch (error) {
      throw new CommandError('usage_error', parseReasons(error), `See: spec-kitty ${this.id?.replaceAll(':', ' ')} --help`, 2)
    }
  }

  async run(): Promise<void> {
    const json = this.argv.includes('--json')
    let outcome: Outcome
    try {
      outcome = await this.execute()
    } catch (error) {
      const failure = asCommandError(error)
      outcome = {document: {error: {code: failure.code, message: failure.message, remediation: failure.remediation}}, exitCode: failure.exitCode, human: []}
      if (!json) process.stderr.write(`Error: ${failure.message}\nRemediation: ${failure.remediation}\n`)
    }

    if (json) process.stdout.write(JSON.stringify(outcome.document, null, 2) + '\n')
    else if (outcome.human.length > 0) process.stdout.write(outcome.human.join('\n') + '\n')
    process.exitCode = outcome.exitCode
  }
}

/** oclif's multi-line parse error, reduced to its reasons (the core does the same in parse-error.ts). */
function parseReasons(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split('\n').map(line => line.trim())
  const reasons = lines.filter(line => line !== '' && !/^The following errors? occurred:?$/.test(line) && !line.startsWith('See more help'))
  let message = ''
  for (const line of reasons) message = message === '' ? line : `${message}${message.endsWith(':') ? ' ' : '; '}${line}`
  return message.replaceAll(/\s{2,}/g, ' ') || 'Invalid command line.'
}

/** What the user sees for a thrown error: ours keep their code; a bad session file is named as such. */
function asCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error
  if (error instanceof SessionFileError) return new CommandError('insecure_session_file', error.message, 'Fix the file as the message says (chmod 600), or log in again: spec-kitty auth login')
  return new CommandError('internal_error', (error as Error).message.split('\n')[0], 'This is a bug in spec-kitty; please report it with the command you ran.')
}
