import {createServer, type Server} from 'node:http'

export interface LoginCallback {
  close(): void
  /** The authorization code, once the browser came back with the right `state`. */
  code: Promise<{code: string} | {error: string}>
  redirectUri: string
}

const page = (text: string) => `<!doctype html><meta charset="utf-8"><title>spec-kitty</title><p>${text}</p>\n`

/**
 * A one-shot loopback listener for the OAuth redirect (RFC 8252): 127.0.0.1, a free port, path
 * `/callback`. A request whose `state` is not this login's is refused and the wait goes on, so a
 * page that guesses the port cannot end (or hijack) the login.
 */
export async function listenForCallback(state: string): Promise<LoginCallback> {
  let settle!: (outcome: {code: string} | {error: string}) => void
  const code = new Promise<{code: string} | {error: string}>(resolve => {
    settle = resolve
  })
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (request.method !== 'GET' || url.pathname !== '/callback') {
      response.writeHead(404).end()
      return
    }

    if (url.searchParams.get('state') !== state) {
      response.writeHead(400, {'content-type': 'text/html; charset=utf-8'}).end(page('This login link does not belong to the waiting spec-kitty login.'))
      return
    }

    const error = url.searchParams.get('error')
    const received = url.searchParams.get('code')
    response.writeHead(error || !received ? 400 : 200, {connection: 'close', 'content-type': 'text/html; charset=utf-8'})
    .end(page(error || !received ? 'The login was not completed. You can close this tab.' : 'Logged in. You can close this tab and return to the terminal.'))
    settle(error || !received ? {error: (error ?? 'no_code').slice(0, 100)} : {code: received})
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as {port: number}
  return {
    close() {
      server.closeAllConnections()
      server.close()
    },
    code,
    redirectUri: `http://127.0.0.1:${port}/callback`,
  }
}
