import type {CommandResult} from 'spec-kitty/api'

import {Command, Flags, type Interfaces} from '@oclif/core'

import {bindRuntime, runtime} from './runtime.js'
import {SessionFileError} from './session.js'

/**
 * This plugin's commands under the core's output contract, which the core lends through its
 * runtime (one JSON document with --json, exit 0/1/2, errors with code and remediation).
 */
export abstract class PluginCommand extends Command {
  static baseFlags = {json: Flags.boolean({default: false, description: 'Print exactly one JSON document on stdout, for success and failure alike.', helpGroup: 'GLOBAL'})}

  protected abstract execute(): Promise<CommandResult>

  /** Parse flags and args; any parse failure is a usage error (exit 2), in JSON mode too. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors oclif's own parse() bounds
  protected async parseInput<F extends Record<string, any>, B extends Record<string, any>, A extends Record<string, any>>(options: Interfaces.Input<F, B, A>): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await this.parse(options, this.argv)
    } catch (error) {
      throw runtime().usageErrorFromParse(error, this.id, Object.keys({...options.flags, ...PluginCommand.baseFlags}))
    }
  }

  async run(): Promise<void> {
    const {runCommand} = await bindRuntime(this.config)
    await runCommand(this.argv.includes('--json'), async () => {
      try {
        return await this.execute()
      } catch (error) {
        // A session file this plugin cannot trust is the user's to fix, not a bug.
        if (error instanceof SessionFileError) throw runtime().error('insecure_session_file', error.message, {remediation: 'Fix the file as the message says (chmod 600), or log in again: spec-kitty auth login'})
        throw error
      }
    })
  }
}
