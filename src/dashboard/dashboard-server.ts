import type {AddressInfo} from 'node:net'

import {timingSafeEqual} from 'node:crypto'
import {
  createServer, type IncomingMessage, type Server, type ServerResponse,
} from 'node:http'

import type {TaskReferenceRegistry} from '../core/tasks/task-reference-registry.js'

import {isSafeSegment} from '../core/io/confine.js'
import {listMissions, resolveMission} from '../core/mission/mission-handle.js'
import {CliError} from '../core/output/cli-error.js'
import {DASHBOARD_CSS, DASHBOARD_JS} from './assets.js'
import {
  boardModel, laneHistory, missionSummaries, workPackageDetail,
} from './board-model.js'
import {type Html} from './html.js'
import {watchFolders} from './live-changes.js'
import {
  boardView, errorView, type Link, missionsView, page, timelineView, workPackageView,
} from './views.js'

export interface DashboardServer {
  close(): Promise<void>
  port: number
  url: string
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
}

/** The answers that do not depend on the missions. */
const FIXED_ANSWERS: Record<string, {body: () => string; type: string}> = {
  '/assets/dashboard.css': {body: () => DASHBOARD_CSS, type: 'text/css; charset=utf-8'},
  '/assets/dashboard.js': {body: () => DASHBOARD_JS, type: 'text/javascript; charset=utf-8'},
  '/health': {body: () => JSON.stringify({pid: process.pid}), type: 'application/json'},
}

const sameToken = (given: string, token: string): boolean => given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token))

interface View {
  main: Html
  status: number
  title: string
}

/**
 * The read-only dashboard on 127.0.0.1: every request needs the token of the printed URL and a
 * loopback `Host` (DNS rebinding), only GET is served, and every value from a mission file is
 * escaped. Pages render on the server from the core's readers; `/events` announces changes (SSE).
 */
export async function startDashboardServer(root: string, registry: TaskReferenceRegistry, token: string, port = 0): Promise<DashboardServer> {
  const clients = new Set<ServerResponse>()
  let bound = port
  const view = (path: string[], link: Link): View => {
    try {
      if (path.length === 0) return {main: missionsView(missionSummaries(root, registry), link), status: 200, title: 'Missions'}
      if (path[0] !== 'missions' || !path[1] || !isSafeSegment(path[1])) return {main: errorView('Not found', 'There is no such page.'), status: 404, title: 'Not found'}
      const slug = path[1]
      if (path.length === 2) {
        const model = boardModel(root, slug, registry)
        return {main: boardView(model, link), status: 200, title: model.friendlyName}
      }

      if (path.length === 3 && path[2] === 'timeline') return {main: timelineView(slug, laneHistory(resolveMission(root, slug)), link), status: 200, title: `${slug} timeline`}
      if (path.length === 4 && path[2] === 'wps' && /^WP\d{2,}$/.test(path[3])) {
        const detail = workPackageDetail(root, slug, path[3], registry)
        if (detail) return {main: workPackageView(detail, link), status: 200, title: `${detail.id} ${detail.title}`}
      }

      return {main: errorView('Not found', 'There is no such page.'), status: 404, title: 'Not found'}
    } catch (error) {
      if (error instanceof CliError && error.code === 'mission_not_found') return {main: errorView('Not found', error.reason), status: 404, title: 'Not found'}
      // A mission that cannot be read shows its error; the server and the other missions go on.
      const message = error instanceof CliError ? `${error.code}: ${error.reason}` : String((error as Error).message)
      return {main: errorView('This mission cannot be shown', message), status: 500, title: 'Error'}
    }
  }

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const host = request.headers.host ?? ''
    if (host !== `127.0.0.1:${bound}` && host !== `localhost:${bound}`) {
      response.writeHead(403, SECURITY_HEADERS).end('Forbidden: not a loopback host.\n')
      return
    }

    const url = new URL(request.url ?? '/', `http://${host}`)
    if (!sameToken(url.searchParams.get('token') ?? '', token)) {
      response.writeHead(403, SECURITY_HEADERS).end('Forbidden: open the URL spec-kitty dashboard printed (it carries the access token).\n')
      return
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, {...SECURITY_HEADERS, allow: 'GET, HEAD'}).end('The dashboard is read-only.\n')
      return
    }

    const link: Link = path => `${path}?token=${encodeURIComponent(token)}`
    const fixed = FIXED_ANSWERS[url.pathname]
    if (fixed) {
      response.writeHead(200, {...SECURITY_HEADERS, 'content-type': fixed.type}).end(fixed.body())
      return
    }

    if (url.pathname === '/events') {
      response.writeHead(200, {...SECURITY_HEADERS, connection: 'keep-alive', 'content-type': 'text/event-stream'})
      response.write(': connected\n\n')
      clients.add(response)
      request.on('close', () => clients.delete(response))
      return
    }

    const path = url.pathname.split('/').filter(Boolean).map(segment => decodeURIComponent(segment))
    const rendered = view(path, link)
    const body = url.searchParams.get('fragment') === 'main' ? rendered.main.text : page(rendered.title, rendered.main, link).text
    response.writeHead(rendered.status, {...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8'}).end(body)
  }

  const server: Server = createServer((request, response) => {
    try {
      handle(request, response)
    } catch {
      if (!response.headersSent) response.writeHead(400, SECURITY_HEADERS)
      response.end()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  bound = (server.address() as AddressInfo).port
  let sequence = 0
  const stopWatching = watchFolders(() => [`${root}/kitty-specs`, ...listMissions(root).map(mission => {
    try {
      return resolveMission(root, mission.slug).dir
    } catch {
      return mission.dir
    }
  })], () => {
    sequence++
    for (const client of clients) client.write(`event: change\ndata: ${sequence}\n\n`)
  })
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': heartbeat\n\n')
  }, 15_000)
  heartbeat.unref()
  return {
    async close() {
      stopWatching()
      clearInterval(heartbeat)
      for (const client of clients) client.end()
      server.closeAllConnections()
      await new Promise<void>(resolve => {
        server.close(() => resolve())
      })
    },
    port: bound,
    url: `http://127.0.0.1:${bound}/?token=${token}`,
  }
}
