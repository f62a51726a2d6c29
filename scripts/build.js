#!/usr/bin/env node
// Build the CLI and its core plugins, then generate the oclif manifests (never committed), then the
// lean launcher (src/launch/lean-main.ts) as one script: its start-up was mostly module loading.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugins = ['plugin-tasks', 'plugin-merge', 'plugin-sync']
// The oclif dev CLI would otherwise look for its own updates over the network.
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, {cwd, env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}, stdio: 'inherit'})
const bin = name => join(root, 'node_modules', '.bin', name)

for (const dir of ['dist', ...plugins.map(p => join('plugins', p, 'dist'))]) rmSync(join(root, dir), {force: true, recursive: true})
run(bin('tsc'), ['-p', '.'])
for (const plugin of plugins) run(bin('tsc'), ['-p', join('plugins', plugin)])
// oclif lists commands in the order their modules finished loading, which varies from run to run;
// sorted by id, the manifest (and the reference generated from it) is the same on every build.
const sortManifest = dir => {
  const path = join(dir, 'oclif.manifest.json')
  const manifest = JSON.parse(readFileSync(path, 'utf8'))
  manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)))
  writeFileSync(path, JSON.stringify(manifest, null, 2))
}

run(bin('oclif'), ['manifest'])
sortManifest(root)
for (const plugin of ['plugin-sync']) {
  run(bin('oclif'), ['manifest'], join(root, 'plugins', plugin))
  sortManifest(join(root, 'plugins', plugin))
}

// plugin-tasks' hook, which every lifecycle command runs, as one file: its six modules took 5 ms to
// load. Its parsers keep no state, so a copy of them here is harmless. (plugin-sync's hooks share
// module state with its lazily loaded transport and stay as tsc wrote them.)
await build({
  bundle: true,
  entryPoints: [join(root, 'plugins', 'plugin-tasks', 'src', 'hooks', 'task-reference-parsers.ts')],
  format: 'esm',
  logLevel: 'warning',
  outfile: join(root, 'plugins', 'plugin-tasks', 'dist', 'hooks', 'task-reference-parsers.js'),
  platform: 'node',
  target: 'node20',
})

// The lean launcher as one CommonJS script that src/launch/load-lean.ts compiles with V8's code cache:
// the core's modules and yaml in, oclif out (required only on the rare paths that need it). A script
// has no dynamic import() on Node 20 without a flag: the loader lends one, and none may be left here.
const leanBundle = join(root, 'dist', 'lean', 'main.cjs')
await build({
  banner: {js: 'var __leanBundleUrl = require("node:url").pathToFileURL(__filename).href;'},
  bundle: true,
  define: {'import.meta.url': '__leanBundleUrl'},
  entryPoints: [join(root, 'src', 'launch', 'lean-main.ts')],
  external: ['@oclif/core', '@oclif/core/*'],
  format: 'cjs',
  logLevel: 'warning',
  minify: true,
  outfile: leanBundle,
  platform: 'node',
  target: 'node20',
})
const bundled = readFileSync(leanBundle)
if (/\bimport\(/.test(bundled.toString('utf8'))) throw new Error(`${leanBundle} contains a dynamic import(), which fails in a compiled script on Node 20`)
writeFileSync(`${leanBundle}.sha256`, createHash('sha256').update(bundled).digest('hex') + '\n')
