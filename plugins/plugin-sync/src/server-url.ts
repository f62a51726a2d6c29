const IPV4_LOOPBACK = /^127\.(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){2}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/**
 * A host that is this machine for certain: `localhost`, `::1`, or an IPv4 literal in 127.0.0.0/8.
 * A name that merely starts with "127." (`127.evil.example`) is somebody else's server.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || IPV4_LOOPBACK.test(hostname)
}

/** Why a URL may not carry tokens, or undefined when it may: https anywhere, http on loopback only. */
export function insecureUrlProblem(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return `${JSON.stringify(raw.slice(0, 200))} is not a URL`
  }

  if (url.protocol === 'https:' || url.protocol === 'wss:') return undefined
  if ((url.protocol === 'http:' || url.protocol === 'ws:') && isLoopbackHost(url.hostname)) return undefined
  return `refusing an unencrypted connection to ${url.host || raw.slice(0, 200)}; use an https:// URL`
}

/** The server's origin (`https://sync.example.com`), which every endpoint path is resolved against. */
export const serverOrigin = (raw: string): string => new URL(raw).origin

/**
 * The socket URL the server handed out, as a WebSocket URL: `https` becomes `wss`, plain `ws`/`http`
 * only for loopback. Undefined for anything else (a server must not downgrade the live channel).
 */
export function socketUrl(raw: string): undefined | URL {
  if (insecureUrlProblem(raw) !== undefined) return undefined
  const url = new URL(raw)
  if (url.protocol === 'https:') url.protocol = 'wss:'
  if (url.protocol === 'http:') url.protocol = 'ws:'
  return url
}
