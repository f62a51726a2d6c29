import type {CommandResult} from 'spec-kitty/api'

import {Flags} from '@oclif/core'

import {exchange} from '../../http.js'
import {listenForCallback} from '../../login-callback.js'
import {
  authorizationUrl, groupedUserCode, newSession, pkceRequest, pollDeviceGrant, startDeviceGrant, type TokenAnswer, tokenRequest, validTokenAnswer, whoAmI,
} from '../../oauth.js'
import {PluginCommand} from '../../plugin-command.js'
import {runtime} from '../../runtime.js'
import {insecureUrlProblem, serverOrigin} from '../../server-url.js'
import {sessionDocument, sessionLines} from '../../session-view.js'
import {writeSession} from '../../session.js'
import {SyncFailure} from '../../sync-diagnostic.js'

type Method = 'browser' | 'device' | 'token'

const say = (line: string) => process.stderr.write(`${line}\n`)

export default class AuthLogin extends PluginCommand {
  static description = `Without a token flag: opens the browser on the server's login page (OAuth 2.0 authorization code with PKCE) and waits for it to come back to a one-shot listener on 127.0.0.1. With --headless: prints a code and a URL to open on any device (OAuth 2.0 device flow), and waits until you approve. Then asks the server who you are (/api/v1/me) and stores the session (access and refresh tokens, their expiries, your team) in the user config directory with mode 0600. Tokens never appear in any output. Sync itself stays off unless SPEC_KITTY_ENABLE_SAAS_SYNC=1.

--token-stdin is for servers that hand out a token directly: the first line of standard input is the access token, a second line the refresh token. Prefer it to --token, which puts the token on the command line, where the shell history and ps can see it.`
  static examples = [
    '<%= config.bin %> auth login --server https://sync.example.com',
    '<%= config.bin %> auth login --server https://sync.example.com --headless',
    'printf %s "$TOKEN" | <%= config.bin %> auth login --server https://sync.example.com --token-stdin',
  ]
  static flags = {
    'expires-in': Flags.integer({description: 'With a token flag: seconds until the access token expires.', min: 1}),
    headless: Flags.boolean({description: 'Log in on another device: print a code and a URL instead of opening a browser here.', exclusive: ['token', 'token-stdin']}),
    'refresh-token': Flags.string({description: 'With --token: the refresh token (visible to ps; prefer the second line of --token-stdin).'}),
    server: Flags.string({description: 'Sync server URL (https://, or http:// on loopback only). Default: $SPEC_KITTY_SAAS_URL.'}),
    team: Flags.string({description: 'Team to sync to, when your account has several (default: the first /api/v1/me lists).'}),
    timeout: Flags.integer({default: 300, description: 'Seconds to wait for the browser or the device approval.', min: 1}),
    token: Flags.string({description: 'Access token (visible to ps and the shell history; see --token-stdin).', exclusive: ['token-stdin']}),
    'token-stdin': Flags.boolean({description: 'Read the access token from standard input (first line) and, when there is one, the refresh token (second line).'}),
  }
  static summary = 'Log in to a sync server.'

  protected async execute(): Promise<CommandResult> {
    const {flags} = await this.parseInput(AuthLogin)
    const server = flags.server ?? process.env.SPEC_KITTY_SAAS_URL
    if (!server) throw runtime().error('usage_error', 'No sync server given.', {exitCode: 2, remediation: 'Pass --server https://<your sync server>, or set SPEC_KITTY_SAAS_URL.'})
    const insecure = insecureUrlProblem(server)
    if (insecure) throw runtime().error('insecure_server_url', insecure, {exitCode: 2, remediation: 'Use an https:// URL (http:// is accepted for 127.0.0.1 and localhost only).'})
    const origin = serverOrigin(server)
    const signal = AbortSignal.timeout(flags.timeout * 1000)
    const method: Method = flags.token !== undefined || flags['token-stdin'] ? 'token' : (flags.headless ? 'device' : 'browser')
    try {
      const tokens = method === 'token' ? await tokensFromInput(flags) : (method === 'device' ? await deviceLogin(origin, signal) : await browserLogin(origin, signal))
      const identity = await whoAmI(origin, tokens.access_token, signal)
      if (identity.teams.length === 0) throw runtime().error('no_team', `${identity.user.email || 'This account'} belongs to no team on ${origin}; events need a team to go to.`, {remediation: 'Ask your Spec Kitty admin to add you to a team, then log in again.'})
      if (flags.team !== undefined && !identity.teams.includes(flags.team)) throw runtime().error('unknown_team', `You are not a member of the team ${JSON.stringify(flags.team)} on ${origin}.`, {remediation: `Pick one of your teams: ${identity.teams.map(team => `--team ${team}`).join(', ')}`})
      const session = newSession(origin, tokens, identity, flags.team)
      writeSession(session)
      return {document: {...sessionDocument(session), method}, exitCode: 0, human: sessionLines(session)}
    } catch (error) {
      if (error instanceof SyncFailure) throw loginFailure(error, origin, flags.timeout)
      throw error
    }
  }
}

function loginFailure(failure: SyncFailure, origin: string, timeout: number): Error {
  if (failure.code === 'sync.websocket_offline') return runtime().error('auth_server_unreachable', `Cannot log in: ${failure.message}.`, {remediation: `Check the server URL (${origin}) and your network, then run spec-kitty auth login again.`})
  if (failure.code === 'sync.event_loop_unavailable') return runtime().error('auth_timeout', `The login did not complete within ${timeout} s.`, {remediation: 'Run spec-kitty auth login again (--timeout <seconds> to wait longer).'})
  return runtime().error('auth_failed', `The login failed: ${failure.message}.`, {remediation: 'Run spec-kitty auth login again; if it keeps failing, check the server URL with your Spec Kitty admin.'})
}

async function tokensFromInput(flags: {'expires-in'?: number; 'refresh-token'?: string; token?: string; 'token-stdin': boolean}): Promise<TokenAnswer> {
  const [stdinToken, stdinRefresh] = flags['token-stdin'] ? await readLines(process.stdin, 2) : []
  const token = flags['token-stdin'] ? stdinToken : flags.token!
  if (!token) throw runtime().error('usage_error', 'No access token on standard input.', {exitCode: 2, remediation: 'printf %s "$TOKEN" | spec-kitty auth login --server <url> --token-stdin'})
  if (stdinRefresh && flags['refresh-token']) throw runtime().error('usage_error', 'The refresh token came both on standard input and as --refresh-token.', {exitCode: 2, remediation: 'Give it one way: the second line of standard input (preferred) or --refresh-token.'})
  const refresh = stdinRefresh || flags['refresh-token']
  try {
    const checked = validTokenAnswer({access_token: token, expires_in: flags['expires-in'] ?? 3600, refresh_token: refresh || undefined})
    // A token handed over without a lifetime is the server's to judge: no local expiry.
    return {...checked, access_expires_at: flags['expires-in'] === undefined ? null : checked.access_expires_at}
  } catch {
    throw runtime().error('usage_error', 'That is not a token: a token is 1 to 8192 printable characters without spaces.', {exitCode: 2, remediation: 'Pass the token exactly as the server issued it.'})
  }
}

async function browserLogin(origin: string, signal: AbortSignal): Promise<TokenAnswer> {
  // A mistyped or unreachable server fails now, not after minutes of waiting for a browser.
  await exchange(new URL('/api/v1/sync/health/', origin), {headers: {accept: 'application/json'}, method: 'GET'}, signal)
  const request = pkceRequest()
  const callback = await listenForCallback(request.state)
  try {
    const url = authorizationUrl(origin, request, callback.redirectUri).toString()
    say('Opening your browser to log in. If it does not open, visit:')
    say(`  ${url}`)
    runtime().openBrowser(url)
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(new SyncFailure('sync.event_loop_unavailable', 'timed out', false)), {once: true})
    })
    const outcome = await Promise.race([callback.code, aborted])
    if ('error' in outcome) {
      throw outcome.error === 'access_denied'
        ? runtime().error('auth_denied', 'The login was declined in the browser.', {remediation: 'Run spec-kitty auth login again and approve the request.'})
        : runtime().error('auth_failed', `The browser came back without a login (${outcome.error}).`, {remediation: 'Run spec-kitty auth login again.'})
    }

    const answer = await tokenRequest(origin, {
      code: outcome.code, code_verifier: request.verifier, grant_type: 'authorization_code', redirect_uri: callback.redirectUri,
    }, signal)
    if (answer.status !== 200) throw new SyncFailure('sync.server_error', `the token endpoint refused the code (HTTP ${answer.status})`, false)
    return validTokenAnswer(answer.json)
  } finally {
    callback.close()
  }
}

async function deviceLogin(origin: string, signal: AbortSignal): Promise<TokenAnswer> {
  const grant = await startDeviceGrant(origin, signal)
  say(`To log in, open ${grant.verification_uri} on any device and enter the code ${groupedUserCode(grant.user_code)}`)
  if (grant.verification_uri_complete) say(`  (or open ${grant.verification_uri_complete})`)
  say('Waiting for approval...')
  const outcome = await pollDeviceGrant(origin, grant, signal)
  if ('tokens' in outcome) return outcome.tokens
  throw outcome.why === 'access_denied'
    ? runtime().error('auth_denied', 'The login was declined.', {remediation: 'Run spec-kitty auth login --headless again and approve the code.'})
    : runtime().error('auth_code_expired', 'The login code expired before it was approved.', {remediation: 'Run spec-kitty auth login --headless again and enter the new code sooner.'})
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
