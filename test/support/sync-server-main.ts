/**
 * The test sync server as its own process, for callers whose CLI runs block their event loop
 * (benchmarks, the smoke run). Prints its URL, then obeys one command per stdin line and answers
 * each with one stdout line: a fault name (see SyncFault), `stats` (JSON counts), or `close`.
 */
import {createInterface} from 'node:readline'

import {type SyncFault, SyncTestServer} from './sync-server.js'

const server = await new SyncTestServer().listen()
process.stdout.write(`${server.url}\n`)
createInterface({input: process.stdin}).on('line', async line => {
  if (line === 'close') await server.close()
  else if (line === 'stats') {
    process.stdout.write(`${JSON.stringify({arrivals: Object.fromEntries(server.arrivals), received: server.received.length})}\n`)
    return
  } else server.fault = line as SyncFault

  process.stdout.write('ok\n')
})
