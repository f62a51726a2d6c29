import {createHash} from 'node:crypto'
import {homedir} from 'node:os'
import {join} from 'node:path'

/** Per-user folders; SPEC_KITTY_*_DIR override them (tests give every run its own). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SPEC_KITTY_STATE_DIR || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'spec-kitty')
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SPEC_KITTY_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'spec-kitty')
}

/** The outbox of one server and account: events queued for one identity never go to another. */
export function outboxDir(server: string, account: string, env: NodeJS.ProcessEnv = process.env): string {
  const scope = createHash('sha256').update(`${withoutTrailingSlashes(server).toLowerCase()}|${account.toLowerCase()}`).digest('hex').slice(0, 16)
  return join(stateDir(env), 'outbox', scope)
}

/** `https://x//` → `https://x`, in one pass (a `/\/+$/` pattern is quadratic on a run of slashes). */
function withoutTrailingSlashes(url: string): string {
  let end = url.length
  while (end > 0 && url[end - 1] === '/') end--
  return url.slice(0, end)
}
