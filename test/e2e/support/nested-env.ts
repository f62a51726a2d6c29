import {spawnSync} from 'node:child_process'
import {
  existsSync, readdirSync, realpathSync, rmSync,
} from 'node:fs'
import {
  delimiter, isAbsolute, join, relative, resolve, sep,
} from 'node:path'

/** Every skip reason starts with this, so a reader (or a grep) tells it from a product failure. */
export const LIMITATION_PREFIX = 'E2E environment limitation: could not create a nested Python environment.'

export type NestedEnvMethod = 'stdlib_venv' | 'uv_venv'

export interface NestedEnv {
  method: NestedEnvMethod
  /** Absolute path of the environment's pip. */
  pip: string
  /** Absolute path of the environment's interpreter, verified to run. */
  python: string
  venvDir: string
}

export interface NestedEnvOptions {
  /** Environment of every process the helper starts (PATH decides which python3 and uv it finds). */
  env?: NodeJS.ProcessEnv
}

/** Neither method could build a working environment: a limitation of this machine, not a product bug. */
export class EnvironmentLimitation extends Error {
  constructor(readonly attempts: string[], remedy: string) {
    super(`${LIMITATION_PREFIX} Tried: ${attempts.join('; ')}. Fix: ${remedy}`)
    this.name = 'EnvironmentLimitation'
  }
}

/** What we know about the outer interpreter and uv before choosing a method. */
export interface Host {
  python?: {basePrefix: string; executable: string; version: string}
  uv?: {path: string; pythonDir?: string}
}

const binDir = (venvDir: string): string => join(venvDir, process.platform === 'win32' ? 'Scripts' : 'bin')

function which(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    if (existsSync(candidate)) return candidate
  }

  return undefined
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): {ok: boolean; output: string} {
  const result = spawnSync(command, args, {encoding: 'utf8', env, timeout: 180_000})
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
  if (result.error) return {ok: false, output: result.error.message}
  return {ok: result.status === 0, output: result.status === 0 ? output : `exit ${result.status ?? result.signal}: ${output.split('\n').slice(-3).join(' | ')}`}
}

/** Probe python3 and uv on the PATH of `env`. */
export function probeHost(env: NodeJS.ProcessEnv): Host {
  const host: Host = {}
  const python = which('python3', env)
  if (python) {
    const probe = run(python, ['-c', 'import json, os, sys; print(json.dumps([os.path.realpath(sys.base_prefix), sys.executable, "%d.%d" % sys.version_info[:2]]))'], env)
    if (probe.ok) {
      const [basePrefix, executable, version] = JSON.parse(probe.output.split('\n').at(-1)!) as string[]
      host.python = {basePrefix, executable, version}
    }
  }

  const uv = which('uv', env)
  if (uv) {
    const dir = run(uv, ['python', 'dir'], env)
    host.uv = {path: uv, pythonDir: dir.ok && dir.output ? dir.output.split('\n').at(-1) : undefined}
  }

  return host
}

const inside = (child: string, parent: string): boolean => {
  const path = relative(parent, child)
  return path === '' || (!path.startsWith('..') && !isAbsolute(path))
}

/**
 * The outer Python is uv-managed when its real base prefix lies in uv's managed-Python directory
 * (`uv python dir`), or, if uv cannot say, under a `uv/python/` path segment. A bare "uv" substring
 * would match any path that happens to contain those letters.
 */
export function isUvManaged(host: Host): boolean {
  if (!host.python) return false
  const {basePrefix} = host.python
  if (host.uv?.pythonDir && existsSync(host.uv.pythonDir) && inside(basePrefix, realpathSync(host.uv.pythonDir))) return true
  return basePrefix.split(sep).join('/').includes('/uv/python/')
}

/** uv first only when uv is on PATH and the outer Python is uv-managed; the other method is the fallback. */
export function methodOrder(host: Host): NestedEnvMethod[] {
  if (host.uv && isUvManaged(host)) return ['uv_venv', 'stdlib_venv']
  return host.uv ? ['stdlib_venv', 'uv_venv'] : ['stdlib_venv']
}

function attempt(method: NestedEnvMethod, venvDir: string, host: Host, env: NodeJS.ProcessEnv): {error?: string; env?: NestedEnv} {
  let made
  if (method === 'uv_venv') {
    // --seed puts pip in the environment (uv venv leaves it out by default).
    const target = host.python ? ['--python', host.python.executable] : []
    made = run(host.uv!.path, ['venv', venvDir, ...target, '--seed'], env)
  } else {
    if (!host.python) return {error: 'no working python3 on PATH'}
    // --symlinks: a copied interpreter of a uv (python-build-standalone) build cannot find libpython.
    made = run(host.python.executable, ['-m', 'venv', '--symlinks', venvDir], env)
  }

  if (!made.ok) return {error: made.output}
  const python = join(binDir(venvDir), 'python')
  const pip = join(binDir(venvDir), 'pip')
  const check = run(python, ['-c', 'import sys; print(sys.prefix)'], env)
  if (!check.ok) return {error: `the new interpreter does not run (${check.output})`}
  if (realpathSync(check.output.split('\n').at(-1)!) !== realpathSync(venvDir)) return {error: `the new interpreter reports prefix ${check.output}, not ${venvDir}`}
  const pipCheck = run(pip, ['--version'], env)
  if (!pipCheck.ok) return {error: `pip is missing or broken (${pipCheck.output})`}
  return {
    env: {
      method, pip, python, venvDir,
    },
  }
}

/**
 * A nested Python environment in `dir` (which must be absent or empty), for scenarios that install
 * a package into a fresh interpreter. Tries `uv venv` first when the outer Python is uv-managed
 * (where a stdlib venv breaks), else the stdlib `venv` with symlinks; the other method is the
 * fallback. Each result is verified by running it. Throws EnvironmentLimitation when nothing works.
 */
export function createNestedEnv(dir: string, options: NestedEnvOptions = {}): NestedEnv {
  const env = options.env ?? process.env
  const venvDir = resolve(dir)
  if (existsSync(venvDir) && readdirSync(venvDir).length > 0) throw new Error(`createNestedEnv: ${venvDir} is not empty; give it a fresh directory`)
  const host = probeHost(env)
  const attempts: string[] = []
  if (!host.uv) attempts.push('uv venv (uv is not on PATH)')
  for (const method of methodOrder(host)) {
    const result = attempt(method, venvDir, host, env)
    if (result.env) return result.env
    attempts.push(`${method === 'uv_venv' ? `uv venv (${host.uv?.path})` : `python3 -m venv --symlinks (${host.python?.executable ?? 'no python3 on PATH'})`} failed: ${result.error}`)
    rmSync(venvDir, {force: true, recursive: true}) // only what this attempt created: the dir was empty
  }

  throw new EnvironmentLimitation(attempts, 'put a standard CPython 3 (with the venv module and ensurepip) on PATH, or install a working uv (https://docs.astral.sh/uv/).')
}
