/**
 * Loaded before every test file: the whole run gets its own HOME, XDG dirs and SPEC_KITTY_*_DIR in a
 * temp dir, so no test can read or write the developer's real config. Tests that need isolation
 * from each other build a Sandbox (sandbox.ts) on top.
 */
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const base = mkdtempSync(join(tmpdir(), 'spec-kitty-test-home-'))
// Each mocha process (and worker) removes its own when it ends: no test home is left in the temp dir.
process.on('exit', () => rmSync(base, {force: true, recursive: true}))
for (const [key, dir] of Object.entries({
  HOME: 'home',
  SPEC_KITTY_CONFIG_DIR: 'config/spec-kitty',
  SPEC_KITTY_STATE_DIR: 'state/spec-kitty',
  XDG_CACHE_HOME: 'cache',
  XDG_CONFIG_HOME: 'config',
  XDG_DATA_HOME: 'data',
  XDG_STATE_HOME: 'state',
})) {
  const path = join(base, dir)
  mkdirSync(path, {recursive: true})
  process.env[key] = path
}

delete process.env.SPEC_KITTY_ENABLE_SAAS_SYNC
delete process.env.SPECIFY_REPO_ROOT
process.env.GIT_CONFIG_NOSYSTEM = '1'
process.env.NO_COLOR = '1'
