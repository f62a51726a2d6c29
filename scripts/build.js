#!/usr/bin/env node
// Build the CLI and its core plugins, then generate the oclif manifests (never committed).
import {execFileSync} from 'node:child_process'
import {rmSync} from 'node:fs'
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
run(bin('oclif'), ['manifest'])
for (const plugin of ['plugin-sync']) run(bin('oclif'), ['manifest'], join(root, 'plugins', plugin))
