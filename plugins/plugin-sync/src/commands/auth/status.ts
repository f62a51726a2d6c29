import type {CommandResult} from 'spec-kitty/api'

import {PluginCommand} from '../../plugin-command.js'
import {sessionDocument, sessionLines} from '../../session-view.js'
import {readSession} from '../../session.js'

export default class AuthStatus extends PluginCommand {
  static description = 'Shows the server, user, team, and the expiries of the access and refresh tokens of the stored session (never a token). Contacts no server.'
  static examples = ['<%= config.bin %> auth status --json']
  static summary = 'Show the stored session.'

  protected async execute(): Promise<CommandResult> {
    await this.parseInput(AuthStatus)
    // A bad session file is reported by PluginCommand as insecure_session_file, naming the file.
    const session = readSession()
    if (!session) return {document: {logged_in: false}, exitCode: 0, human: ['Not logged in.']}
    return {document: sessionDocument(session), exitCode: 0, human: sessionLines(session)}
  }
}
