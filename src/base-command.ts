import {Command, Flags, type Interfaces} from '@oclif/core'

import type {HookHost} from './command-spec.js'

import {runCommand} from './core/output/command-outcome.js'
import {type CommandOutcome} from './core/output/render.js'
import {usageErrorFromParse} from './core/output/usage-error-from-parse.js'

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

  /** oclif's Config as the hook runner the core's contributions take (its generic types differ, not its behaviour). */
  protected get hooks(): HookHost {
    return {runHook: (event, options) => this.config.runHook(event as 'init', options as never)}
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
      throw usageErrorFromParse(error, this.id, Object.keys({...options.flags, ...SpecKittyCommand.baseFlags}))
    }
  }

  protected abstract execute(): Promise<CommandOutcome>

  async run(): Promise<void> {
    await runCommand(this.jsonMode, () => this.execute())
  }
}
