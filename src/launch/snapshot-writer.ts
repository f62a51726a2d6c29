import type {Interfaces, Help as OclifHelp} from '@oclif/core'

import {
  existsSync, mkdirSync, readFileSync, statSync,
} from 'node:fs'
import {extname, join} from 'node:path'
import {format} from 'node:util'

import {writeFileAtomic} from '../core/io/atomic-write.js'
import {
  type ConfigSnapshot, fingerprintOf, type HookTarget, type PluginSnapshot, readFreshSnapshot, SNAPSHOT_FILE, SNAPSHOT_FORMAT,
} from './config-snapshot.js'
import {LEAN_COMMAND_IDS} from './route.js'

/**
 * The full launcher's side of the lean launcher's snapshot (config-snapshot.ts): what oclif's loaded
 * Config says, and its help for the invocations the lean launcher answers, printed as oclif prints
 * them on a pipe.
 */

/** The nearest package.json's `type` decides for `.js`, as oclif's module loader does. */
function isEsm(file: string, pluginIsEsm: boolean): boolean {
  const extension = extname(file).toLowerCase()
  if (extension === '.mjs') return true
  if (extension === '.cjs') return false
  return pluginIsEsm
}

type OclifPlugin = Interfaces.Config['plugins'] extends Map<string, infer P> ? P : never

function pluginSnapshot(plugin: OclifPlugin, isRoot: boolean): PluginSnapshot {
  const pjson = plugin.pjson as unknown as Record<string, unknown>
  const esm = pjson.type === 'module'
  let loadable = !(plugin.type === 'link' && existsSync(join(plugin.root, 'tsconfig.json')))
  const hooks: Record<string, HookTarget[]> = {}
  for (const [event, targets] of Object.entries(plugin.hooks ?? {})) {
    hooks[event] = targets.map(({identifier, target}) => {
      const file = join(plugin.root, target)
      // A target without its file (an extension oclif would guess, a folder) is left to oclif.
      if (!existsSync(file) || !statSync(file).isFile()) loadable = false
      return {
        esm: isEsm(file, esm), file, identifier, target,
      }
    })
  }

  const declared = (pjson['spec-kitty'] as undefined | {leanHooks?: unknown})?.leanHooks === true
  return {
    hooks, leanHooks: isRoot || declared, loadable, name: plugin.name, root: plugin.root, type: plugin.type, version: plugin.version,
  }
}

// Select Graphic Rendition: bold, underline, colours.
// eslint-disable-next-line no-control-regex -- the escape character is what is matched
const SGR = /\u001B\[[\d;]*m/g

/**
 * oclif's help for the root and for each lifecycle command, printed by oclif's own Help class as on a
 * pipe (80 columns, no styles). Every line goes through the class's `log`, which this subclass keeps
 * (formatted as oclif's ux.stdout formats it) instead of writing: stdout is never touched, so output
 * of another plugin's init hook running alongside can neither be lost nor end up in the text.
 */
async function helpTexts(config: Interfaces.Config): Promise<Record<string, string>> {
  const {loadHelpClass} = await import('@oclif/core')
  // The class the CLI uses (a custom helpClass included); typed as oclif's Help, whose log it overrides.
  const Help = await loadHelpClass(config) as unknown as typeof OclifHelp
  const options = (config.pjson.oclif as {helpOptions?: object}).helpOptions ?? (config.pjson as {helpOptions?: object}).helpOptions
  const help = new class extends Help {
    text = ''

    protected log(...args: string[]): void {
      this.text += format(...args) + '\n'
    }
  }(config, {...options, maxWidth: 80})
  const texts: Record<string, string> = {}
  for (const id of ['', ...LEAN_COMMAND_IDS]) {
    help.text = ''
    // eslint-disable-next-line no-await-in-loop -- one text at a time
    await help.showHelp(id === '' ? [] : id.split(':'))
    // On a terminal oclif styles the headings; the text is the same once the styles are gone. Any
    // other escape (a cursor move, a link) is not kept.
    const plain = help.text.replaceAll(SGR, '')
    if (!plain.includes('\u001B')) texts[id] = plain
  }

  return texts
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/**
 * Do the files on disk, read after they were stamped, still say what oclif loaded? A plugin installed
 * or edited between oclif's reading and the stamping would otherwise be stamped as seen and never be.
 */
function stillAsLoaded(config: Interfaces.Config, plugins: OclifPlugin[]): boolean {
  const hooksOf = (pjson: Record<string, unknown> | undefined) => JSON.stringify((pjson?.oclif as undefined | {hooks?: unknown})?.hooks ?? {})
  for (const plugin of plugins) {
    const pjson = readJson(join(plugin.root, 'package.json'))
    if (pjson?.version !== plugin.version || hooksOf(pjson) !== hooksOf(plugin.pjson as unknown as Record<string, unknown>)) return false
  }

  const listed = ((readJson(join(config.dataDir, 'package.json'))?.oclif as undefined | {plugins?: unknown[]})?.plugins ?? [])
  .map(entry => (typeof entry === 'string' ? entry : (entry as {name?: string})?.name))
  const loaded = plugins.filter(plugin => plugin.type === 'user' || plugin.type === 'link').map(plugin => plugin.name)
  return JSON.stringify([...listed].sort()) === JSON.stringify([...loaded].sort())
}

/** The snapshot of a loaded oclif Config, or undefined while its plugins are changing under it. */
export async function snapshotOf(config: Interfaces.Config, env: NodeJS.ProcessEnv = process.env): Promise<ConfigSnapshot | undefined> {
  const plugins = [...config.plugins.values()]
  const files = [
    ...plugins.flatMap(plugin => [join(plugin.root, 'package.json'), join(plugin.root, 'oclif.manifest.json')]),
    join(config.dataDir, 'package.json'),
  ]
  // Stamp first, then check the contents: a change after the check makes the stamp stale.
  const fingerprint = fingerprintOf(files, env)
  if (!stillAsLoaded(config, plugins)) return undefined
  return {
    config: {
      arch: config.arch,
      bin: config.bin,
      cacheDir: config.cacheDir,
      configDir: config.configDir,
      dataDir: config.dataDir,
      dirname: config.dirname,
      home: config.home,
      name: config.name,
      pjson: config.pjson as unknown as Record<string, unknown>,
      platform: config.platform,
      root: config.root,
      shell: config.shell,
      topicSeparator: config.topicSeparator,
      userAgent: config.userAgent,
      version: config.version,
      windows: config.windows,
    },
    fingerprint,
    format: SNAPSHOT_FORMAT,
    help: await helpTexts(config),
    ownCommands: LEAN_COMMAND_IDS.filter(id => config.findCommand(id)?.pluginName === config.name),
    plugins: plugins.map(plugin => pluginSnapshot(plugin, plugin.name === config.name)),
  }
}

/** Record the snapshot when the one on disk no longer holds (or was never written). */
export async function refreshSnapshot(config: Interfaces.Config, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (readFreshSnapshot(config.cacheDir, env)) return false
  const snapshot = await snapshotOf(config, env)
  if (!snapshot) return false
  mkdirSync(config.cacheDir, {mode: 0o700, recursive: true})
  writeFileAtomic(join(config.cacheDir, SNAPSHOT_FILE), JSON.stringify(snapshot) + '\n', 0o600)
  return true
}
