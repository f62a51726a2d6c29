#!/usr/bin/env node
// npm run pack [-- --pack-destination DIR]: the release tarball, with every runtime dependency
// inside, so that `npm install -g ./spec-kitty-<version>.tgz` needs no registry and no cache.
//
// Why not `bundleDependencies` for everything in package.json: with @oclif/plugin-plugins (and so
// npm, which bundles its own dependencies) in the root bundle, `npm ci` fetches npm's bundled
// packages one by one from the registry and fails (ETARGET libnpmexec). So package.json bundles
// only the core plugins, and this script packs a staged copy whose bundle is the whole runtime tree.
import {execFileSync} from 'node:child_process'
import {
  // eslint-disable-next-line n/no-unsupported-features/node-builtins -- works on Node 20 (labelled experimental until 22.3); a release script, not runtime code
  cpSync,
  existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {
  dirname, join, relative, resolve,
} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const destinationFlag = process.argv.indexOf('--pack-destination')
const destination = resolve(destinationFlag === -1 ? root : process.argv[destinationFlag + 1])
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
if (!existsSync(join(root, 'oclif.manifest.json'))) {
  process.stderr.write('No oclif.manifest.json: run npm run build first.\n')
  process.exit(1)
}

/** The top-level node_modules folders of every package npm counts as a runtime dependency. */
function runtimePackages() {
  let listing
  try {
    listing = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
  } catch (error) {
    listing = error.stdout // npm ls exits 1 on warnings (an extraneous package) but still lists the tree
  }

  const folders = new Set()
  for (const path of listing.split('\n').filter(Boolean)) {
    const parts = relative(root, path).split('/')
    if (parts[0] !== 'node_modules') continue
    folders.add(parts.slice(0, parts[1].startsWith('@') ? 3 : 2).join('/'))
  }

  return [...folders]
}

const stage = mkdtempSync(join(tmpdir(), 'spec-kitty-pack-'))
try {
  for (const entry of [...pkg.files, 'README.md']) cpSync(join(root, entry), join(stage, entry), {recursive: true})
  // Workspace links (the core plugins) become real folders; each keeps only its `files` when packed.
  for (const folder of runtimePackages()) cpSync(join(root, folder), join(stage, folder), {dereference: true, recursive: true})
  // What an installed copy needs to know: no dev dependencies, scripts or workspaces.
  const published = {...pkg, bundleDependencies: Object.keys(pkg.dependencies)}
  for (const key of ['devDependencies', 'scripts', 'workspaces']) delete published[key]
  writeFileSync(join(stage, 'package.json'), JSON.stringify(published, null, 2) + '\n')
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', destination], {cwd: stage, stdio: ['ignore', 'inherit', 'inherit']})
} finally {
  rmSync(stage, {force: true, recursive: true})
}
