import {Flags} from '@oclif/core'
import {randomBytes} from 'node:crypto'

import type {CommandOutcome} from '../core/output/render.js'

import {SpecKittyCommand} from '../base-command.js'
import {taskReferenceRegistry} from '../contributions.js'
import {openBrowser} from '../core/io/open-browser.js'
import {CliError} from '../core/output/cli-error.js'
import {findProjectRoot} from '../core/project/project-root.js'
import {startDashboardServer} from '../dashboard/dashboard-server.js'
import {
  clearDashboardState, isServing, readDashboardState, writeDashboardState,
} from '../dashboard/dashboard-state.js'

export default class Dashboard extends SpecKittyCommand {
  static description = `Serves a read-only kanban of the project's missions on 127.0.0.1 and prints its URL: the missions with their progress, each mission's board (a column per lane, a card per work package with its agent, subtasks, dependencies and time in the lane), each work package's prompt, subtasks and history, and the mission's timeline. Pages update live when files change, without a reload.

The URL carries a random access token: other local users and web pages cannot read the board. It runs until Ctrl-C; a second start reuses the running one and prints its URL; --stop stops it.`
  static examples = ['<%= config.bin %> dashboard', '<%= config.bin %> dashboard --port 8765 --json', '<%= config.bin %> dashboard --stop']
  static flags = {
    open: Flags.boolean({description: 'Open the board in the browser as well.', exclusive: ['stop']}),
    port: Flags.integer({
      description: 'Port on 127.0.0.1 (default: a free one).', exclusive: ['stop'], max: 65_535, min: 1,
    }),
    stop: Flags.boolean({description: 'Stop the dashboard started for this project.'}),
  }
  static summary = 'Show a live kanban of the missions in the browser.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(Dashboard)
    const {root} = findProjectRoot(process.cwd())
    const running = readDashboardState(root)
    const serving = running !== undefined && await isServing(running)
    if (flags.stop) {
      if (!running || !serving) {
        if (running) clearDashboardState(root, running.pid)
        return {document: {stopped: false}, exitCode: 0, human: ['No dashboard is running for this project.']}
      }

      process.kill(running.pid, 'SIGTERM')
      return {document: {pid: running.pid, stopped: true}, exitCode: 0, human: [`Stopped the dashboard (pid ${running.pid}).`]}
    }

    if (running && serving) {
      if (flags.open) openBrowser(running.url)
      return {
        document: {
          pid: running.pid, port: running.port, reused: true, url: running.url,
        }, exitCode: 0, human: [`The dashboard is already running: ${running.url}`],
      }
    }

    const token = randomBytes(32).toString('hex')
    let server
    try {
      server = await startDashboardServer(root, await taskReferenceRegistry(this.hooks), token, flags.port)
    } catch (error) {
      const {code} = (error as NodeJS.ErrnoException)
      throw new CliError('dashboard_port_unavailable', `Cannot serve on 127.0.0.1:${flags.port ?? 0} (${code ?? (error as Error).message}).`, {remediation: 'Pick another port with --port, or leave it out for a free one.'})
    }

    writeDashboardState(root, {
      pid: process.pid, port: server.port, started_at: new Date().toISOString(), token, url: server.url,
    })
    if (flags.open) openBrowser(server.url)
    return {
      after: () => new Promise<void>(resolve => {
        const stop = async () => {
          await server.close()
          clearDashboardState(root, process.pid)
          resolve()
        }

        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      }),
      document: {
        pid: process.pid, port: server.port, reused: false, url: server.url,
      },
      exitCode: 0,
      human: [`Dashboard: ${server.url}`, 'Ctrl-C to stop.'],
    }
  }
}
