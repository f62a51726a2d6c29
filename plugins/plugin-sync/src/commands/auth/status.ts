import type {CommandResult} from 'spec-kitty/api'

import {PluginCommand} from '../../plugin-command.js'
import {isExpired, readSession} from '../../session.js'

export default class AuthStatus extends PluginCommand {
  static description = 'Shows the server, account and token expiry of the stored session (never a token).'
  static examples = ['<%= config.bin %> auth status --json']
  static summary = 'Show the stored session.'

  protected async execute(): Promise<CommandResult> {
    await this.parseInput(AuthStatus)
    // A bad session file is reported by PluginCommand as insecure_session_file, naming the file.
    const session = readSession()

    if (!session) return {document: {logged_in: false}, exitCode: 0, human: ['Not logged in.']}
    const expired = isExpired(session)
    return {
      document: {
        account: session.account, expired, expires_at: session.expires_at, logged_in: true, refreshable: session.refresh_token !== null, server: session.server,
      },
      exitCode: 0,
      human: [`Logged in to ${session.server} as ${session.account}; ${session.expires_at ? `token ${expired ? 'expired' : 'expires'} ${session.expires_at}` : 'token does not expire'}.`],
    }
  }
}
