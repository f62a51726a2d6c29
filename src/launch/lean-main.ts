import {
  mkdirSync, readdirSync, rmSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import type {LeanRoute} from './route.js'

import {writeFileAtomic} from '../core/io/atomic-write.js'
import {runCommand} from '../core/output/command-outcome.js'
import {printText} from '../core/output/render.js'
import pluginRuntimeHook from '../hooks/plugin-runtime.js'
import {LIFECYCLE_COMMANDS} from '../lifecycle/index.js'
import {parseArgv} from './argv.js'
import {oclifCacheDir} from './cache-dir.js'
import {readFreshSnapshot} from './config-snapshot.js'
import {type HookFunction, type ImportModule, LeanConfig} from './lean-config.js'
import {leanRequire} from './oclif-require.js'

/**
 * The lean launcher: `--version` and the lifecycle commands without loading oclif (issue #16: an
 * agent calls them dozens of times per work package). It replays what oclif's main.run and
 * Config.runCommand do around a command: the init hooks, prerun, the command under the output
 * contract, postrun, finally, with every plugin's hooks (src/launch/lean-config.ts). It declines,
 * before any hook or command has run, whenever it cannot do exactly that: no snapshot of oclif's
 * config that still holds, a plugin whose hooks for oclif's own events need the real Config, flags
 * it does not parse (oclif words the usage error). bin/run.js then runs oclif as before.
 * Built into one script (scripts/build.js) that src/launch/load-lean.ts runs with V8's code cache:
 * loading and compiling many small modules was most of the start-up.
 */

const ROOT_HOOKS: Readonly<Record<string, HookFunction>> = {
  // The full launcher's snapshot refresh: when this launcher runs, the snapshot holds.
  './dist/hooks/config-snapshot.js'() {},
  './dist/hooks/plugin-runtime.js': pluginRuntimeHook as HookFunction,
}

// preparse too: oclif runs the root's (it has none), and the launcher never does, so one would send it to oclif.
/** A code cache file of load-lean.ts: `<16 hex of the bundle's SHA-256>-<node>-<arch>-<kind>.bin`. */
const CODE_CACHE_FILE = /^[\da-f]{16}-.+\.bin$/

const COMMAND_EVENTS = ['init', 'prerun', 'postrun', 'finally', 'preparse', 'task-reference-parsers', 'lifecycle-events']

/** Errors that escape the hooks are reported by oclif's own handler, as the full launcher would. */
async function handleWithOclif(error: unknown): Promise<void> {
  const {handle} = leanRequire('@oclif/core/handle') as {handle(error: Error): Promise<void>}
  await handle(error as Error)
}

// What makes oclif's help wrap to a terminal or print colour on a pipe (CI, COLORTERM, TF_BUILD and
// TEAMCITY_VERSION were tried: they do not); the snapshot holds the help as printed on a plain pipe.
const COLOUR_ENV = ['FORCE_COLOR', 'OCLIF_COLUMNS']

function plainPipe(env: NodeJS.ProcessEnv, argv: readonly string[]): boolean {
  if (process.stdout.isTTY || argv.some(word => /^--?(?:no-)?colou?r/.test(word))) return false
  return COLOUR_ENV.every(name => !env[name])
}

/** `--version` and help: oclif's init hooks, the text, its finally hooks. */
async function answer(config: LeanConfig, id: string | undefined, argv: string[], text: string): Promise<boolean> {
  if (!config.canServe(['init', 'finally'])) return false
  try {
    await config.runHook('init', {argv, id})
    printText(text)
    await config.runHook('finally', {argv, id})
  } catch (error) {
    await handleWithOclif(error)
  }

  return true
}

/** True when the invocation ran here; false (nothing done yet) when oclif must run it. */
export async function runLean(route: LeanRoute, importModule: ImportModule, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  // oclif may load TypeScript sources in development, and Windows folders are left to oclif.
  if (process.platform === 'win32' || env.NODE_ENV === 'development' || env.NODE_ENV === 'test') return false
  const snapshot = readFreshSnapshot(oclifCacheDir(env), env)
  if (!snapshot) return false
  const config = new LeanConfig(snapshot, ROOT_HOOKS, importModule)
  if (route.kind === 'version') return answer(config, '--version', [], config.userAgent + '\n')
  // A plugin may bring a command of the same id, and oclif would run that one.
  const commandId = route.kind === 'help' ? route.subject : route.id
  if (commandId !== '' && !snapshot.ownCommands.includes(commandId)) return false

  if (route.kind === 'help') {
    const text = snapshot.help[route.subject]
    if (text === undefined || !plainPipe(env, route.argv)) return false
    return answer(config, route.id, route.argv, text)
  }

  const spec = LIFECYCLE_COMMANDS.get(route.id)
  const input = spec && parseArgv(spec, route.argv)
  if (!spec || !input || !config.canServe(COMMAND_EVENTS)) return false
  // What hooks get as `Command`: the command's id and texts (the class itself is oclif's).
  const command = {
    aliases: [], description: spec.description, hidden: false, id: spec.id, pluginName: snapshot.config.name, pluginType: 'core', strict: spec.strict, summary: spec.summary,
  }
  const {argv} = route
  try {
    await config.runHook('init', {argv, id: spec.id})
    let failure: unknown
    try {
      delete process.env[config.scopedEnvVarKey('REDIRECTED')]
      await config.runHook('prerun', {argv, Command: command})
      await runCommand(argv.includes('--json'), () => spec.run(input, config))
      await config.runHook('postrun', {argv, Command: command, result: undefined})
    } catch (error) {
      failure = error
      throw error
    } finally {
      await config.runHook('finally', {
        argv, Command: command, error: failure, id: spec.id,
      })
    }
  } catch (error) {
    await handleWithOclif(error)
  }

  return true
}

/**
 * The loader's V8 code cache (load-lean.ts), written as the core writes any file: atomically, and
 * private, since it is compiled code. The caches of other bundle builds (named `<build>-…`) are
 * removed, so upgrades do not pile them up. Best effort: a folder that cannot be written costs a
 * compile.
 */
export function saveCodeCache(path: string, data: Uint8Array): void {
  try {
    const folder = dirname(path)
    mkdirSync(folder, {mode: 0o700, recursive: true})
    writeFileAtomic(path, data, 0o600)
    const build = basename(path).split('-', 1)[0]
    for (const name of readdirSync(folder)) {
      if (CODE_CACHE_FILE.test(name) && !name.startsWith(`${build}-`)) rmSync(join(folder, name), {force: true})
    }
  } catch {
    // The next start compiles again and tries again.
  }
}
