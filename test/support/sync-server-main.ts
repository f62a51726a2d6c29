/**
 * The test sync server as its own process, for callers whose CLI runs block their event loop
 * (benchmarks, the smoke run). Prints its URL, then obeys one command per stdin line and answers
 * each with one stdout line: a batch fault name (see BatchFault), `restart`, `stats` (JSON counts),
 * or `close`.
 */
import {createInterface} from 'node:readline'

import {type BatchFault, SyncTestServer} from './sync-server.js'

const server = await new SyncTestServer().listen()
process.stdout.write(`${server.url}\n`)
createInterface({input: process.stdin}).on('line', async line => {
  switch (line) {
  case 'close': {
    await server.close()
    break
  }

  case 'restart': {
    await server.restart()
    break
  }

  case 'stats': {
    process.stdout.write(`${JSON.stringify({arrivals: Object.fromEntries(server.arrivals), batches: server.batches, received: server.received.length})}\n`)
    return
  }

  default: {
    server.fault = line as BatchFault
  }
  }

  process.stdout.write('ok\n')
})
