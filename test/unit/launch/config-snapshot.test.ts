import {Config} from '@oclif/core'
import {expect} from 'chai'
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import snapshotHook from '../../../src/hooks/config-snapshot.js'
import {fingerprintOf, readFreshSnapshot, SNAPSHOT_FILE} from '../../../src/launch/config-snapshot.js'
import {LEAN_COMMAND_IDS} from '../../../src/launch/route.js'
import {refreshSnapshot} from '../../../src/launch/snapshot-writer.js'
import {REPO_ROOT} from '../../support/sandbox.js'

describe('the lean launcher\'s snapshot of oclif\'s config', function () {
  this.timeout(60_000)
  const saved = {...process.env}
  let dir: string
  let config: Config

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-snapshot-'))
    process.env.SPEC_KITTY_CACHE_DIR = join(dir, 'cache')
    process.env.SPEC_KITTY_DATA_DIR = join(dir, 'data')
    config = await Config.load(REPO_ROOT)
    expect(await refreshSnapshot(config), 'no snapshot yet: one is written').to.equal(true)
  })

  afterEach(() => {
    for (const key of ['SPEC_KITTY_CACHE_DIR', 'SPEC_KITTY_DATA_DIR']) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }

    rmSync(dir, {force: true, recursive: true})
  })

  const path = () => join(dir, 'cache', SNAPSHOT_FILE)

  it('records oclif\'s values, every plugin\'s hooks and the help texts, and is not rewritten while it holds', async () => {
    const snapshot = readFreshSnapshot(config.cacheDir)!
    expect(snapshot.config).to.include({cacheDir: config.cacheDir, dataDir: config.dataDir, userAgent: config.userAgent})
    expect(snapshot.plugins.map(plugin => plugin.name)).to.deep.equal([...config.plugins.keys()])
    const sync = snapshot.plugins.find(plugin => plugin.name === '@spec-kitty/plugin-sync')!
    expect(sync.leanHooks).to.equal(true)
    expect(Object.keys(sync.hooks).sort()).to.deep.equal(['finally', 'lifecycle-events', 'postrun'])
    expect(sync.hooks.postrun[0]).to.include({esm: true, file: join(sync.root, 'dist', 'hooks', 'final-sync.js'), identifier: 'default'})
    expect(snapshot.plugins.find(plugin => plugin.name === '@oclif/plugin-plugins')!.leanHooks, 'no declaration, no lean hooks').to.equal(false)
    expect(snapshot.help['agent:tasks:status']).to.match(/^Show the mission board\.\n\nUSAGE\n {2}\$ spec-kitty agent tasks status/)
    expect(snapshot.help['']).to.contain('TOPICS').and.contain('COMMANDS')
    expect(snapshot.ownCommands, 'oclif resolves every lifecycle command to the CLI\'s own').to.deep.equal([...LEAN_COMMAND_IDS])
    expect(await refreshSnapshot(config)).to.equal(false)
  })

  it('stops holding when a user plugin list appears', () => {
    mkdirSync(join(dir, 'data'), {recursive: true})
    writeFileSync(join(dir, 'data', 'package.json'), '{"oclif": {"plugins": []}}\n')
    expect(readFreshSnapshot(config.cacheDir), 'a user plugin list appeared').to.equal(undefined)
  })

  it('stops holding when a folder moves or Node changes', () => {
    expect(readFreshSnapshot(config.cacheDir, {...process.env, XDG_DATA_HOME: join(dir, 'elsewhere')}), 'XDG_DATA_HOME changed').to.equal(undefined)
    const snapshot = JSON.parse(readFileSync(path(), 'utf8'))
    snapshot.fingerprint.node = 'v0.0.0'
    writeFileSync(path(), JSON.stringify(snapshot), {mode: 0o600})
    expect(readFreshSnapshot(config.cacheDir), 'another Node').to.equal(undefined)
  })

  it('notices a file it read rewritten, even at the same size and mtime', () => {
    const pkg = join(dir, 'package.json')
    writeFileSync(pkg, '{"name": "a"}')
    const snapshot = JSON.parse(readFileSync(path(), 'utf8'))
    snapshot.fingerprint.files = fingerprintOf([pkg], process.env).files
    writeFileSync(path(), JSON.stringify(snapshot), {mode: 0o600})
    expect(readFreshSnapshot(config.cacheDir), 'stamped as it is').not.to.equal(undefined)
    const {atime, mtime} = statSync(pkg)
    writeFileSync(pkg, '{"name": "b"}')
    // As npm unpacks a package: the same fixed mtime on every file, whatever its content.
    utimesSync(pkg, atime, mtime)
    expect(readFreshSnapshot(config.cacheDir), 'rewritten, same size, same mtime').to.equal(undefined)
    rmSync(pkg)
    expect(readFreshSnapshot(config.cacheDir), 'gone').to.equal(undefined)
  })

  it('is ignored unless it is this user\'s private regular file in the shape this version writes', () => {
    chmodSync(path(), 0o620)
    expect(readFreshSnapshot(config.cacheDir), 'group-writable').to.equal(undefined)
    chmodSync(path(), 0o600)
    expect(readFreshSnapshot(config.cacheDir)).not.to.equal(undefined)
    const real = join(dir, 'elsewhere.json')
    writeFileSync(real, readFileSync(path()), {mode: 0o600})
    rmSync(path())
    symlinkSync(real, path())
    expect(readFreshSnapshot(config.cacheDir), 'a symbolic link').to.equal(undefined)
    rmSync(path())
    for (const text of ['{', '[]', '{"format": 1}', JSON.stringify({...JSON.parse(readFileSync(real, 'utf8')), help: undefined})]) {
      writeFileSync(path(), text, {mode: 0o600})
      expect(readFreshSnapshot(config.cacheDir), text.slice(0, 20)).to.equal(undefined)
    }
  })

  it('is written by the init hook only for the CLI\'s own launch, not for a tool that loads the config otherwise', async () => {
    rmSync(path())
    const marker = Symbol.for('spec-kitty.full-launcher')
    const global = globalThis as Record<symbol, unknown>
    const run = () => (snapshotHook as unknown as (options: object) => Promise<void>).call({}, {argv: [], config, id: 'readme'})
    await run()
    expect(existsSync(path()), 'oclif readme, say, loads the config without user plugins').to.equal(false)
    global[marker] = true
    try {
      await run()
    } finally {
      delete global[marker]
    }

    expect(readFreshSnapshot(config.cacheDir)).not.to.equal(undefined)
  })

  it('is not written while the plugin set changes under it: a plugin installed after oclif read the list', async () => {
    rmSync(path())
    mkdirSync(join(dir, 'data'), {recursive: true})
    writeFileSync(join(dir, 'data', 'package.json'), JSON.stringify({oclif: {plugins: [{name: 'spec-kitty-plugin-new', type: 'user'}]}}))
    expect(await refreshSnapshot(config), 'the loaded config does not have the listed plugin').to.equal(false)
    expect(existsSync(path())).to.equal(false)
    writeFileSync(join(dir, 'data', 'package.json'), JSON.stringify({oclif: {plugins: []}}))
    expect(await refreshSnapshot(config), 'an empty list matches').to.equal(true)
  })
})
