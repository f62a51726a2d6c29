import {lstatSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'

import type {ImportModule} from './lean-config.js'
import type {LeanRoute} from './route.js'

import {isPrivateFile, oclifCacheDir} from './cache-dir.js'

/**
 * Runs the lean launcher's bundle (dist/lean/main.cjs, built from lean-main.ts) as a compiled script
 * with V8's code cache, which Node 20 does not offer to modules (`module.enableCompileCache` came in
 * Node 22): compiling the bundle was a third of a lifecycle command's start-up. The cache lives in
 * oclif's cache folder, one file per bundle build (its SHA-256, written beside it by the build), Node
 * version and kind of invocation (the version, help, each command: a cache holds the functions its
 * run compiled); V8 itself refuses a cache of another V8 or other flags, and then a new one is written.
 */

const BUNDLE = fileURLToPath(new URL('../lean/main.cjs', import.meta.url))

interface LeanBundle {
  runLean(route: LeanRoute, importModule: ImportModule): Promise<boolean>
  saveCodeCache(path: string, data: Uint8Array): void
}

function readCache(path: string): Buffer | undefined {
  try {
    return isPrivateFile(lstatSync(path)) ? readFileSync(path) : undefined
  } catch {
    return undefined
  }
}

/** True when the lean launcher ran the invocation; false (nothing done) when oclif must. */
export async function runLeanBundle(route: LeanRoute, importModule: ImportModule): Promise<boolean> {
  let source: string
  let build: string
  try {
    source = readFileSync(BUNDLE, 'utf8')
    build = readFileSync(`${BUNDLE}.sha256`, 'utf8').trim().slice(0, 16)
  } catch {
    return false // a build without the bundle (tsc alone): oclif runs everything
  }

  // One cache per kind of invocation: each holds the functions its own path compiled.
  const kind = route.kind === 'command' ? route.id.replaceAll(':', '-') : route.kind
  const cachePath = join(oclifCacheDir(), 'lean-code-cache', `${build}-${process.version}-${process.arch}-${kind}.bin`)
  const cachedData = readCache(cachePath)
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {cachedData, filename: BUNDLE})
  const module = {exports: {} as LeanBundle}
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE))
  const ran = await module.exports.runLean(route, importModule)
  // After the run, so the cache holds the functions it compiled, not only the top level.
  if (ran && (cachedData === undefined || script.cachedDataRejected)) module.exports.saveCodeCache(cachePath, script.createCachedData())
  return ran
}
