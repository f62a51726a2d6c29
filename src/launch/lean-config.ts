import {pathToFileURL} from 'node:url'
import {format} from 'node:util'

import type {HookHost, HookOutcome} from '../command-spec.js'
import type {
  ConfigSnapshot, ConfigValues, HookTarget, PluginSnapshot,
} from './config-snapshot.js'

import {printText} from '../core/output/render.js'
import {leanRequire} from './oclif-require.js'

/** oclif's own events; a plugin's hooks for them run here only if the plugin says they may (leanHooks). */
export const OCLIF_EVENTS = new Set(['finally', 'init', 'postrun', 'preparse', 'prerun'])

const oclifErrors = () => leanRequire('@oclif/core/errors') as {
  error(message: Error | string, options?: Record<string, unknown>): never
  exit(code?: number): never
  warn(message: Error | string): void
}

export type HookFunction = (this: unknown, options: Record<string, unknown>) => unknown

/**
 * `import()` as the launcher's loader gives it: the bundle runs as a compiled script (for V8's code
 * cache), where Node 20 offers dynamic import only to real modules.
 */
export type ImportModule = (url: string) => Promise<Record<string, unknown>>

/** A function of a hook module, found as oclif finds it: the identifier, else (for `default`) the first function. */
function hookFunction(module: Record<string, unknown>, identifier: string): HookFunction | undefined {
  const named = module[identifier]
  if (typeof named === 'function') return named as HookFunction
  if (identifier !== 'default') return undefined
  if (typeof module === 'function') return module as HookFunction
  return Object.values(module).find(value => typeof value === 'function') as HookFunction | undefined
}

/** A hook's result, or oclif's `Timed out after <ms> ms.` failure when it is later than `ms`. */
async function withTimeout(result: unknown, ms: number | undefined): Promise<unknown> {
  if (!ms) return result
  let timer: NodeJS.Timeout | undefined
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms.`)), ms).unref()
  })
  try {
    return await Promise.race([result, late])
  } finally {
    clearTimeout(timer)
  }
}

async function loadHook(hook: HookTarget, importModule: ImportModule): Promise<HookFunction | undefined> {
  const module = hook.esm ? await importModule(pathToFileURL(hook.file).href) : leanRequire(hook.file) as Record<string, unknown>
  return hookFunction(module, hook.identifier)
}

/**
 * oclif's Config as far as hooks see it, for the lean launcher: the plain values oclif computed
 * (from the snapshot), `options` (where the core's init hook puts the plugin runtime), the plugins
 * and `runHook`, which runs hooks exactly as Config.runHook does (plugins concurrently, a plugin's
 * hooks in order, failures collected, an error with a non-zero `oclif.exit` rethrown). The root
 * plugin's hooks are the launcher's own bundled functions, so that the core exists once per process.
 * Documented for plugin authors in docs/plugins.md.
 */
export class LeanConfig implements ConfigValues, HookHost {
  // The snapshot's plain values, set as the config's own properties by the constructor.
  declare readonly arch: string
  declare readonly bin: string
  declare readonly cacheDir: string
  declare readonly configDir: string
  declare readonly dataDir: string
  declare readonly dirname: string
  declare readonly home: string
  declare readonly name: string
  declare readonly pjson: Record<string, unknown>
  declare readonly platform: string
  declare readonly root: string
  declare readonly shell: string
  declare readonly topicSeparator: string
  declare readonly userAgent: string
  declare readonly version: string
  declare readonly windows: boolean
  readonly lean = true
  readonly options: Record<string, unknown>
  readonly plugins: Map<string, PluginSnapshot>

  constructor(private readonly snapshot: ConfigSnapshot, private readonly rootHooks: Readonly<Record<string, HookFunction>>, private readonly importModule: ImportModule) {
    Object.assign(this, snapshot.config)
    this.options = {root: snapshot.config.root}
    this.plugins = new Map(snapshot.plugins.map(plugin => [plugin.name, plugin]))
  }

  /** Every hook this invocation could fire can run here; otherwise the full launcher runs it all. */
  canServe(events: readonly string[]): boolean {
    return this.snapshot.plugins.every(plugin => events.every(event => {
      const hooks = plugin.hooks[event] ?? []
      if (hooks.length === 0) return true
      if (plugin.name === this.snapshot.config.name) return hooks.every(hook => hook.target in this.rootHooks)
      return plugin.loadable && (!OCLIF_EVENTS.has(event) || plugin.leanHooks)
    }))
  }

  getPluginsList(): PluginSnapshot[] {
    return [...this.plugins.values()]
  }

  /** Config.runHook's signature: `timeout` ms per hook (a late one fails), `captureErrors` rethrows nothing. */
  async runHook(event: string, options: Record<string, unknown>, timeout?: number, captureErrors?: boolean): Promise<HookOutcome> {
    const outcome: HookOutcome = {failures: [], successes: []}
    await Promise.all(this.snapshot.plugins.map(async plugin => {
      const context = {
        config: this,
        debug() {},
        error: (message: Error | string, errorOptions: Record<string, unknown> = {}) => oclifErrors().error(message, errorOptions),
        exit: (code = 0) => oclifErrors().exit(code),
        // As oclif's ux.stdout: a first argument that is empty is dropped, not formatted.
        log: (message?: string, ...args: unknown[]) => printText((message ? format(message, ...args) : format(...args)) + '\n'),
        warn: (message: Error | string) => oclifErrors().warn(message),
      }
      for (const hook of plugin.hooks[event] ?? []) {
        try {
          const isRoot = plugin.name === this.snapshot.config.name
          // eslint-disable-next-line no-await-in-loop -- a plugin's hooks run one after the other, as in oclif
          const run = isRoot ? this.rootHooks[hook.target] : await loadHook(hook, this.importModule)
          if (!run) continue
          // eslint-disable-next-line no-await-in-loop
          const result = await withTimeout(run.call(context, {...options, config: this, context}), timeout)
          outcome.successes.push({plugin, result})
        } catch (error) {
          outcome.failures.push({error: error as Error, plugin})
          const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
          if (!captureErrors && exit !== undefined && exit !== 0 && (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error
        }
      }
    }))
    return outcome
  }

  /** `<BIN>_<KEY>` from the environment, as oclif's Config.scopedEnvVar reads it. */
  scopedEnvVar(key: string): string | undefined {
    return process.env[this.scopedEnvVarKey(key)]
  }

  scopedEnvVarKey(key: string): string {
    return [this.snapshot.config.bin, key].map(part => part.replaceAll('@', '').replaceAll(/[/-]/g, '_')).join('_').toUpperCase()
  }

  scopedEnvVarTrue(key: string): boolean {
    const value = this.scopedEnvVar(key)
    return value === '1' || value === 'true'
  }
}

