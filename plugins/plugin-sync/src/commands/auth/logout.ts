import type {CommandResult} from 'spec-kitty/api'

import {PluginCommand} from '../../plugin-command.js'
import {deleteSession} from '../../session.js'

export default class AuthLogout extends PluginCommand {
  static description = 'Deletes the stored session. Queued events stay queued for the next login to the same server and account.'
  static examples = ['<%= config.bin %> auth logout']
  static summary = 'Log out.'

  protected async execute(): Promise<CommandResult> {
    await this.parseInput(AuthLogout)
    const existed = deleteSession()
    return {document: {logged_out: existed}, exitCode: 0, human: [existed ? 'Logged out.' : 'Not logged in; nothing to do.']}
  }
}
