import type {CommandResult} from 'spec-kitty/api'

import {Flags} from '@oclif/core'

import {PluginCommand} from '../../plugin-command.js'
import {runtime} from '../../runtime.js'
import {writeSession} from '../../session.js'
import {socketUrl} from '../../transport.js'

export default class AuthLogin extends PluginCommand {
  static description = `Stores the session (mode 0600) in the user config directory without contacting the server. Tokens never appear in any output. Sync itself stays off unless SPEC_KITTY_ENABLE_SAAS_SYNC=1.

Prefer --token-stdin: a token given with --token is on the command line, where the shell history, ps and DEBUG=* logs can see it.`
  static examples = [
    'printf %s "$TOKEN" | <%= config.bin %> auth login --server https://sync.example.com --token-stdin',
    String.raw`printf '%s\n%s\n' "$TOKEN" "$REFRESH" | <%= config.bin %> auth login --server https://sync.example.com --token-stdin --expires-in 3600`,
    '<%= config.bin %> auth login --server https://sync.example.com --token "$TOKEN" --refresh-token "$REFRESH" --expires-in 3600',
  ]
  static flags = {
    account: Flags.string({default: 'default', description: 'Account name the queue is scoped to.'}),
    'expires-in': Flags.integer({description: 'Seconds until the access token expires.', min: 1}),
    'refresh-token': Flags.string({description: 'Refresh token used when the access token expires.'}),
    server: Flags.string({description: 'Sync server URL (https://, or http:// on loopback only).', required: true}),
    token: Flags.string({description: 'Access token (visible to ps and the shell history; see --token-stdin).', exactlyOne: ['token', 'token-stdin']}),
    'token-stdin': Flags.boolean({description: 'Read the access token from standard input (first line) and, when there is one, the refresh token (second line).', exactlyOne: ['token', 'token-stdin']}),
  }
  static summary = 'Log in to a sync server.'

  protected async execute(): Promise<CommandResult> {
    const {flags} = await this.parseInput(AuthLogin)
    try {
      socketUrl(flags.server)
    } catch (error) {
      throw runtime().error('insecure_server_url', (error as Error).message, {exitCode: 2, remediation: 'Use an https:// URL (http:// is accepted for 127.0.0.1 and localhost only).'})
    }

    const [stdinToken, stdinRefresh] = flags['token-stdin'] ? await readLines(process.stdin, 2) : []
    const token = flags['token-stdin'] ? stdinToken : flags.token!
    if (!token) throw runtime().error('usage_error', 'No access token on standard input.', {exitCode: 2, remediation: 'printf %s "$TOKEN" | spec-kitty auth login --server <url> --token-stdin'})
    if (stdinRefresh && flags['refresh-token']) throw runtime().error('usage_error', 'The refresh token came both on standard input and as --refresh-token.', {exitCode: 2, remediation: 'Give it one way: the second line of standard input (preferred) or --refresh-token.'})
    const refreshToken = stdinRefresh || flags['refresh-token'] || null
    const expiresAt = flags['expires-in'] ? new Date(Date.now() + (flags['expires-in'] * 1000)).toISOString() : null
    writeSession({
      access_token: token, account: flags.account, expires_at: expiresAt, refresh_token: refreshToken, server: new URL(flags.server).origin,
    })
    return {
      document: {
        account: flags.account, expires_at: expiresAt, logged_in: true, server: new URL(flags.server).origin,
      }, exitCode: 0, human: [`Logged in to ${new URL(flags.server).origin} as ${flags.account}.`],
    }
  }
}

/** The first `count` lines of a stream, trimmed (tokens piped in, with or without a final newline). */
async function readLines(stream: NodeJS.ReadableStream, count: number): Promise<string[]> {
  let text = ''
  for await (const chunk of stream) {
    text += String(chunk)
    if (text.split('\n').length > count) break
  }

  return text.split('\n').slice(0, count).map(line => line.trim())
}
