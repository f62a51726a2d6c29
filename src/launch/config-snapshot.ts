import {lstatSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {isPrivateFile} from './cache-dir.js'

/**
 * What the lean launcher needs of oclif's Config, recorded by the full launcher (the core's `init`
 * hook, src/hooks/config-snapshot.ts, through snapshot-writer.ts) and trusted only while its
 * fingerprint still holds: every file oclif read to find the plugins, their hooks and their commands
 * (the root's and every plugin's package.json and oclif.manifest.json, the user-plugin list in the
 * data dir) with its modification and change times, size and inode, the environment that moves the
 * folders, and the Node version in the user agent. Anything else changed, and the next lifecycle command takes the full
 * launcher, which writes a new snapshot.
 */

export const SNAPSHOT_FORMAT = 4
export const SNAPSHOT_FILE = 'lean-launch.json'

/** The environment oclif's Config.load reads to place its folders and pick its plugins. */
const FINGERPRINT_ENV = [
  'HOME',
  'LOCALAPPDATA',
  'NODE_ENV',
  'OCLIF_DISABLE_RC',
  'SHELL',
  'SPEC_KITTY_CACHE_DIR',
  'SPEC_KITTY_CONFIG_DIR',
  'SPEC_KITTY_DATA_DIR',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
] as const

export interface HookTarget {
  /** The export to call (oclif's `identifier`; `default` searches the module as oclif does). */
  identifier: string
  /** oclif's target as the plugin's package.json gives it: the root plugin's hooks are found by it. */
  target: string
  /** The file, resolved as oclif resolves it, and whether it is an ES module (else `require`d). */
  esm: boolean
  file: string
}

export interface PluginSnapshot {
  hooks: Record<string, HookTarget[]>
  /** The plugin's hooks for oclif's own events may run with the lean config (package.json `"spec-kitty": {"leanHooks": true}`). */
  leanHooks: boolean
  /** Its hooks can be loaded as oclif would load them here (no TypeScript source oclif might prefer, every file found). */
  loadable: boolean
  name: string
  root: string
  type: string
  version: string
}

/** The plain values of oclif's Config that hooks read. */
export interface ConfigValues {
  arch: string
  bin: string
  cacheDir: string
  configDir: string
  dataDir: string
  dirname: string
  home: string
  name: string
  pjson: Record<string, unknown>
  platform: string
  root: string
  shell: string
  topicSeparator: string
  userAgent: string
  version: string
  windows: boolean
}

export interface ConfigSnapshot {
  config: ConfigValues
  fingerprint: Fingerprint
  format: number
  /** oclif's help as it prints it on a pipe (80 columns, no colour), by subject: '' for the root, else a command id. */
  help: Record<string, string>
  /** The lifecycle commands oclif resolves to this CLI's own (a plugin's command of the same id would win there). */
  ownCommands: string[]
  plugins: PluginSnapshot[]
}

export interface Fingerprint {
  env: Record<string, null | string>
  files: Record<string, string>
  node: string
}

/**
 * Modification and change times, size and inode. The change time matters most: npm gives every file
 * it unpacks the same mtime, and an upgrade from 0.1.0 to 0.1.1 keeps package.json's size (and maybe
 * its inode), but no program can set the ctime the kernel records for a write.
 */
function fileStamp(path: string): string {
  try {
    const stat = statSync(path)
    return `${stat.mtimeMs}:${stat.ctimeMs}:${stat.size}:${stat.ino}`
  } catch {
    return 'absent'
  }
}

export function fingerprintOf(files: readonly string[], env: NodeJS.ProcessEnv): Fingerprint {
  return {
    env: Object.fromEntries(FINGERPRINT_ENV.map(name => [name, env[name] ?? null])),
    files: Object.fromEntries(files.map(path => [path, fileStamp(path)])),
    node: process.version,
  }
}

function holds(fingerprint: Fingerprint, env: NodeJS.ProcessEnv): boolean {
  if (fingerprint.node !== process.version) return false
  if (FINGERPRINT_ENV.some(name => (env[name] ?? null) !== fingerprint.env[name])) return false
  return Object.entries(fingerprint.files).every(([path, stamp]) => fileStamp(path) === stamp)
}

/**
 * The snapshot in `cacheDir`, if it is ours and still holds. It says which files run as hooks, so a
 * file another user could have written (not ours, group- or world-writable, a symbolic link) is
 * ignored, as is any shape this version did not write.
 */
export function readFreshSnapshot(cacheDir: string, env: NodeJS.ProcessEnv = process.env): ConfigSnapshot | undefined {
  const path = join(cacheDir, SNAPSHOT_FILE)
  let snapshot: ConfigSnapshot
  try {
    const stat = lstatSync(path)
    if (!isPrivateFile(stat)) return undefined
    snapshot = JSON.parse(readFileSync(path, 'utf8')) as ConfigSnapshot
  } catch {
    return undefined
  }

  if (snapshot?.format !== SNAPSHOT_FORMAT || !Array.isArray(snapshot.plugins) || typeof snapshot.config?.userAgent !== 'string' || typeof snapshot.help !== 'object' || !Array.isArray(snapshot.ownCommands)) return undefined
  if (typeof snapshot.fingerprint?.files !== 'object' || typeof snapshot.fingerprint.env !== 'object') return undefined
  return holds(snapshot.fingerprint, env) ? snapshot : undefined
}
