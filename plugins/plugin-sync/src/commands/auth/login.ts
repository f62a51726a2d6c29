import {Flags} from '@oclif/core'

import {CommandError, type Outcome, PluginCommand} from '../../plugin-command.js'
import {writeSession} from '../../session.js'
import {socketUrl} from '../../transport.js'

export default class AuthLogin extends PluginCommand {
  static description = 'Stores the session (mode 0600) in the user config directory without contacting the server. Tokens never appear in any output. Sync itself stays off unless SPEC_KITTY_ENABLE_SAAS_SYNC=1.'
  static examples = ['<%= config.bin %> auth login --server https://sync.example.com --token "$TOKEN" --refresh-token "$REFRESH" --expires-in 3600']
  static flags = {
    account: Flags.string({default: 'default', description: 'Account name the queue is scoped to.'}),
    'expires-in': Flags.integer({description: 'Seconds until the access token expires.', min: 1}),
    'refresh-token': Flags.string({description: 'Refresh token used when the access token expires.'}),
    server: Flags.string({description: 'Sync server URL (https://, or http:// on loopback only).', required: true}),
    token: Flags.string({description: 'Access token.', required: true}),
  }
  static summary = 'Log in to a sync server.'

  protected async execute(): Promise<Outcome> {
    const {flags} = await this.parseInput(AuthLogin)
    try {
      socketUrl(flags.server)
    } catch (error) {
      throw new CommandError('insecure_server_url', (error as Error).message, 'Use an https:// URL (http:// is accepted for 127.0.0.1 and localhost only).', 2)
    }

    const expiresAt = flags['expires-in'] ? new Date(Date.now() + (flags['expires-in'] * 1000)).toISOString() : null
    writeSession({
      access_token: flags.token, account: flags.account, expires_at: expiresAt, refresh_token: flags['refresh-token'] ?? null, server: new URL(flags.server).origin,
    })
    return {
      document: {
        account: flags.account, expires_at: expiresAt, logged_in: true, server: new URL(flags.server).origin,
      }, exitCode: 0, human: [`Logged in to ${new URL(flags.server).origin} as ${flags.account}.`],
    }
  }
}
