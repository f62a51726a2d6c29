import {mkdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {excludeFromGit} from '../core/git/exclude.js'
import {writeFileAtomic} from '../core/io/atomic-write.js'

/** The running dashboard of a project: who serves it, where, and its access token (file mode 0600). */
export interface DashboardState {
  pid: number
  port: number
  started_at: string
  token: string
  url: string
}

const statePath = (root: string): string => join(root, '.kittify', 'runtime', 'dashboard.json')

export function readDashboardState(root: string): DashboardState | undefined {
  try {
    const state = JSON.parse(readFileSync(statePath(root), 'utf8')) as Partial<DashboardState>
    const valid = Number.isInteger(state.pid) && Number.isInteger(state.port) && typeof state.token === 'string' && /^[\da-f]{64}$/.test(state.token) && typeof state.url === 'string'
    return valid ? state as DashboardState : undefined
  } catch {
    return undefined
  }
}

export function writeDashboardState(root: string, state: DashboardState): void {
  mkdirSync(join(root, '.kittify', 'runtime'), {recursive: true})
  excludeFromGit(root, '/.kittify/runtime/')
  writeFileAtomic(statePath(root), JSON.stringify(state, null, 2) + '\n', 0o600)
}

export function clearDashboardState(root: string, pid: number): void {
  if (readDashboardState(root)?.pid === pid) rmSync(statePath(root), {force: true})
}

/**
 * Whether the dashboard a state file names is really up: its port answers `/health` with the
 * token and the same pid. A stale file (a killed process, a reused pid) is not a running dashboard.
 */
export async function isServing(state: DashboardState): Promise<boolean> {
  try {
    // eslint-disable-next-line n/no-unsupported-features/node-builtins -- fetch is stable in practice on Node 20 and prints no warning
    const response = await fetch(`http://127.0.0.1:${state.port}/health?token=${state.token}`, {signal: AbortSignal.timeout(1500)})
    if (!response.ok) return false
    return ((await response.json()) as {pid?: unknown}).pid === state.pid
  } catch {
    return false
  }
}
