import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {ConfigSnapshot, HookTarget, PluginSnapshot} from '../../../src/launch/config-snapshot.js'

import {LeanConfig} from '../../../src/launch/lean-config.js'

const importModule = (url: string) => import(url) as Promise<Record<string, unknown>>

function leanConfig(plugins: PluginSnapshot[], rootHooks = {}): LeanConfig {
  const snapshot = {
    config: {bin: 'spec-kitty', name: 'spec-kitty', userAgent: 'spec-kitty/0.1.0'}, fingerprint: {}, format: 0, help: {}, ownCommands: [], plugins,
  } as unknown as ConfigSnapshot
  return new LeanConfig(snapshot, rootHooks, importModule)
}

/** The lean launcher's stand-in for oclif's Config, in process, on hook files written per test. */
describe('the lean config runs hooks as oclif\'s Config.runHook does', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-lean-config-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  function hook(file: string, source: string, identifier = 'default'): HookTarget {
    writeFileSync(join(dir, file), source)
    return {
      esm: !file.endsWith('.cjs'), file: join(dir, file), identifier, target: `./${file}`,
    }
  }

  function plugin(name: string, hooks: Record<string, HookTarget[]>, extra: Partial<PluginSnapshot> = {}): PluginSnapshot {
    return {
      hooks, leanHooks: false, loadable: true, name, root: dir, type: 'user', version: '1.0.0', ...extra,
    }
  }

  it('calls every plugin\'s hooks with the options, the config and oclif\'s context, and collects results', async () => {
    const config = leanConfig([
      plugin('a', {probe: [hook('a.js', 'export default async function (options) { return [options.x, options.config.lean, typeof this.log, options.context === this] }')]}),
      plugin('b', {probe: [hook('b.cjs', 'module.exports = {probe: async options => options.x * 2}')]}),
      plugin('c', {other: [hook('c.js', 'export default async () => "never"')]}),
    ])
    const outcome = await config.runHook('probe', {x: 21})
    expect(outcome.failures).to.deep.equal([])
    expect(outcome.successes.map(({plugin: {name}, result}) => [name, result]).sort()).to.deep.equal([['a', [21, true, 'function', true]], ['b', 42]])
  })

  it('finds a hook as oclif does: the named export, else for default the first function; a missing name is skipped', async () => {
    const config = leanConfig([
      plugin('named', {probe: [hook('named.js', 'export const hookName = async () => "named"', 'hookName')]}),
      plugin('search', {probe: [hook('search.js', 'export const first = async () => "searched"')]}),
      plugin('absent', {probe: [hook('absent.js', 'export default async () => "no"', 'elsewhere')]}),
    ])
    const outcome = await config.runHook('probe', {})
    expect(outcome.successes.map(s => s.result).sort()).to.deep.equal(['named', 'searched'])
  })

  it('collects failures, rethrows one with a non-zero oclif exit unless asked to capture it, and times out late hooks', async () => {
    const failing = leanConfig([
      plugin('plain', {probe: [hook('plain.js', 'export default async () => { throw new Error("plain") }')]}),
      plugin('next', {probe: [hook('next.js', 'export default async () => "still runs"')]}),
    ])
    const outcome = await failing.runHook('probe', {})
    expect(outcome.failures.map(f => f.error.message)).to.deep.equal(['plain'])
    expect(outcome.successes.map(s => s.result)).to.deep.equal(['still runs'])

    const exiting = leanConfig([plugin('exit', {probe: [hook('exit.js', 'export default async () => { throw Object.assign(new Error("stop"), {oclif: {exit: 3}}) }')]})])
    let thrown: Error | undefined
    await exiting.runHook('probe', {}).catch(error => {
      thrown = error as Error
    })
    expect(thrown?.message).to.equal('stop')
    expect((await exiting.runHook('probe', {}, undefined, true)).failures.map(f => f.error.message)).to.deep.equal(['stop'])

    const late = leanConfig([plugin('late', {probe: [hook('late.js', 'export default () => new Promise(() => {})')]})])
    expect((await late.runHook('probe', {}, 50)).failures.map(f => f.error.message)).to.deep.equal(['Timed out after 50 ms.'])
  })

  it('runs the root plugin\'s hooks from its own table, not from files', async () => {
    const calls: unknown[] = []
    const root = plugin('spec-kitty', {
      init: [{
        esm: true, file: join(dir, 'missing.js'), identifier: 'default', target: './dist/hooks/x.js',
      }],
    })
    const config = leanConfig([root], {
      './dist/hooks/x.js'(options: Record<string, unknown>) {
        calls.push(options.id)
      },
    })
    expect((await config.runHook('init', {id: 'agent:tasks:status'})).failures).to.deep.equal([])
    expect(calls).to.deep.equal(['agent:tasks:status'])
  })

  it('serves an invocation only if every hook it fires can run here', () => {
    const init = [hook('i.js', 'export default async () => {}')]
    expect(leanConfig([plugin('p', {init})]).canServe(['init']), 'oclif\'s own event, no leanHooks').to.equal(false)
    expect(leanConfig([plugin('p', {init}, {leanHooks: true})]).canServe(['init'])).to.equal(true)
    expect(leanConfig([plugin('p', {'task-reference-parsers': init})]).canServe(['init', 'task-reference-parsers']), 'spec-kitty\'s own event').to.equal(true)
    expect(leanConfig([plugin('p', {'task-reference-parsers': init}, {loadable: false})]).canServe(['task-reference-parsers']), 'not loadable here').to.equal(false)
    expect(leanConfig([plugin('p', {init}, {leanHooks: true})]).canServe(['postrun']), 'an event it has no hook for').to.equal(true)
    const root = plugin('spec-kitty', {
      init: [{
        esm: true, file: '', identifier: 'default', target: './dist/hooks/new.js',
      }],
    }, {leanHooks: true})
    expect(leanConfig([root], {}).canServe(['init']), 'a root hook the launcher does not have').to.equal(false)
  })

  it('reads scoped environment variables as oclif does', () => {
    const config = leanConfig([])
    expect(config.scopedEnvVarKey('REDIRECTED')).to.equal('SPEC_KITTY_REDIRECTED')
    process.env.SPEC_KITTY_LEAN_CONFIG_PROBE = 'true'
    try {
      expect(config.scopedEnvVar('LEAN_CONFIG_PROBE')).to.equal('true')
      expect(config.scopedEnvVarTrue('LEAN_CONFIG_PROBE')).to.equal(true)
    } finally {
      delete process.env.SPEC_KITTY_LEAN_CONFIG_PROBE
    }
  })
})
