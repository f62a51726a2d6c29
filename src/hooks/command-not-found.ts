import {type Hook, toConfiguredId} from '@oclif/core'
import notFound from '@oclif/plugin-not-found'

import {CliError} from '../core/output/cli-error.js'
import {ExitCode} from '../core/output/exit-codes.js'
import {nearest} from '../core/output/nearest.js'
import {printFailure} from '../core/output/render.js'

/**
 * An unknown command is a usage error like any other (exit 2, one JSON document with --json).
 * Agents and scripts get the closest command as a pasteable remediation; a person at a terminal
 * gets @oclif/plugin-not-found's "Did you mean …?" prompt. That plugin is called from here rather
 * than registered on its own, because its hook would race this one and exit 127 without JSON.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const json = options.argv?.includes('--json') ?? false
  const visible = options.config.commands.filter(command => !command.hidden).map(command => command.id)
  const typed = toConfiguredId(options.id, options.config)
  const suggestion = nearest(options.id, visible)
  if (!json && process.stdin.isTTY && process.stderr.isTTY) {
    try {
      await notFound.call(this, options)
      return
    } catch (error) {
      // Declined or timed out: fall through to the usage error below, with our exit code.
      if ((error as {oclif?: {exit?: number}}).oclif?.exit !== 127) throw error
    }
  }

  const remediation = suggestion
    ? `Did you mean: ${options.config.bin} ${toConfiguredId(suggestion, options.config)} --help`
    : `See: ${options.config.bin} --help`
  printFailure(new CliError('command_not_found', `"${typed}" is not a ${options.config.bin} command.`, {remediation}), json)
  this.exit(ExitCode.usage)
}

export default hook
