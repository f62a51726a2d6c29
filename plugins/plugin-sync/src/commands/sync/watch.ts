import type {CommandResult} from 'spec-kitty/api'

import {Flags} from '@oclif/core'

import {eventLine, liveFrame, socketGrant} from '../../live-channel.js'
import {PluginCommand} from '../../plugin-command.js'
import {runtime} from '../../runtime.js'
import {SyncFailure} from '../../sync-diagnostic.js'
import {requireSyncSession} from '../../sync-gate.js'
import {freshSession} from '../../token-refresh.js'

type Ending = 'interrupted' | 'max_events' | 'server_closed'

export default class SyncWatch extends PluginCommand {
  static description = `Asks the server for a socket token, connects to its live channel, shows the team's snapshot (how many work packages), then one line per event as the server broadcasts it, and answers the server's pings. Ctrl-C ends it cleanly (exit 0). With --json, one document at the end: the snapshot and every event seen.

This is the only use of a WebSocket: queued events are sent over HTTP (sync now, and the final sync after each command).`
  static examples = ['<%= config.bin %> sync watch', '<%= config.bin %> sync watch --max-events 10 --json']
  static flags = {
    'max-events': Flags.integer({description: 'Stop after this many events.', min: 1}),
  }
  static summary = 'Watch the team\'s events live.'

  protected async execute(): Promise<CommandResult> {
    const {flags} = await this.parseInput(SyncWatch)
    const stored = requireSyncSession()
    const json = this.argv.includes('--json')
    let grant
    try {
      const session = await freshSession(stored, AbortSignal.timeout(30_000))
      grant = await socketGrant(session, AbortSignal.timeout(30_000))
    } catch (error) {
      if (error instanceof SyncFailure) throw runtime().error(error.code, `Cannot open the live channel: ${error.message}.`, {remediation: error.code === 'sync.server_auth_failure' ? 'spec-kitty auth login' : 'Check the server and your network, then run sync watch again.'})
      throw error
    }

    const {default: WebSocket} = await import('ws')
    // Human mode streams a line per event as it arrives (the point of watching); with --json nothing
    // is written until the one document runCommand prints at the end.
    const events: Array<Record<string, unknown>> = []
    let workPackages: null | number = null
    const ending = await new Promise<Ending | SyncFailure>(resolve => {
      const socket = new WebSocket(grant.url, {headers: {authorization: `Bearer ${grant.wsToken}`}})
      const finish = (outcome: Ending | SyncFailure) => {
        process.removeListener('SIGINT', onSignal)
        process.removeListener('SIGTERM', onSignal)
        socket.removeAllListeners()
        socket.on('error', () => {}) // a late error after close() must not become uncaught
        if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'client done')
        else socket.terminate()
        resolve(outcome)
      }

      const onSignal = () => finish('interrupted')
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      socket.on('unexpected-response', (_request, response) => finish(new SyncFailure(response.statusCode === 401 || response.statusCode === 403 ? 'sync.server_auth_failure' : 'sync.server_error', `the server refused the socket (HTTP ${response.statusCode})`, false)))
      socket.on('error', (error: NodeJS.ErrnoException) => finish(new SyncFailure('sync.websocket_offline', `the live channel failed (${error.code ?? error.message})`, true)))
      socket.on('close', () => finish('server_closed'))
      socket.on('message', data => {
        const frame = liveFrame(String(data))
        switch (frame.type) {
        case 'ping': {
          socket.send(JSON.stringify({timestamp: frame.timestamp, type: 'pong'}))
          break;
        }

        case 'snapshot': {
          workPackages = frame.workPackages
          if (!json) process.stdout.write(`Connected to ${grant.url.host}: ${frame.workPackages} work package(s) in the snapshot. Ctrl-C to stop.\n`)

          break;
        }

        case 'event': {
          events.push(frame.event)
          if (!json) process.stdout.write(`${eventLine(frame.event)}\n`)
          if (flags['max-events'] !== undefined && events.length >= flags['max-events']) finish('max_events')

          break;
        }
        // No default
        }
      })
    })
    if (ending instanceof SyncFailure) throw runtime().error(ending.code, `The live channel ended: ${ending.message}.`, {remediation: 'Run spec-kitty sync watch again.'})
    return {
      document: {
        ended: ending, events, server: grant.url.origin, snapshot: {work_packages: workPackages},
      },
      exitCode: 0,
      human: [`Stopped (${ending.replace('_', ' ')}) after ${events.length} event(s).`],
    }
  }
}
