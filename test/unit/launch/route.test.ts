import {Config} from '@oclif/core'
import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {oclifCacheDir} from '../../../src/launch/cache-dir.js'
import {LEAN_COMMAND_IDS, leanRoute} from '../../../src/launch/route.js'
import {LIFECYCLE_COMMANDS} from '../../../src/lifecycle/index.js'
import {REPO_ROOT} from '../../support/sandbox.js'

describe('which invocations the lean launcher takes', () => {
  const env = {}

  it('lists exactly the commands it has specs for', () => {
    expect([...LEAN_COMMAND_IDS].sort()).to.deep.equal([...LIFECYCLE_COMMANDS.keys()].sort())
  })

  it('takes a lifecycle command typed with spaces or colons, with the rest as its argv', () => {
    expect(leanRoute(['agent', 'tasks', 'status', '--json'], env)).to.deep.equal({argv: ['--json'], id: 'agent:tasks:status', kind: 'command'})
    expect(leanRoute(['agent:tasks:mark-status', 'T001', '--status', 'done'], env)).to.deep.equal({argv: ['T001', '--status', 'done'], id: 'agent:tasks:mark-status', kind: 'command'})
    expect(leanRoute(['agent', 'tasks', 'move-task'], env)).to.deep.equal({argv: [], id: 'agent:tasks:move-task', kind: 'command'})
  })

  it('takes --version first, as oclif does, and help for the root and the lifecycle commands', () => {
    expect(leanRoute(['--version', '--help'], env)).to.deep.equal({kind: 'version'})
    expect(leanRoute([], env)).to.deep.equal({
      argv: [], id: undefined, kind: 'help', subject: '',
    })
    expect(leanRoute(['--help'], env)).to.deep.equal({
      argv: [], id: '--help', kind: 'help', subject: '',
    })
    expect(leanRoute(['-h'], env)).to.deep.equal({
      argv: [], id: '-h', kind: 'help', subject: '',
    })
    expect(leanRoute(['agent', 'tasks', 'status', '--mission', 'x', '-h'], env)).to.deep.equal({
      argv: ['--mission', 'x', '-h'], id: 'agent:tasks:status', kind: 'help', subject: 'agent:tasks:status',
    })
  })

  it('leaves everything else to oclif', () => {
    for (const argv of [['init'], ['merge', '--dry-run'], ['agent', 'tasks'], ['agent', 'tasks', 'status2'], ['help', 'agent'], ['plugins'], ['agent', 'tasks', '--help'], ['--help', '--json'], ['-v'], ['agent', 'mission', 'create', 'x']]) {
      expect(leanRoute(argv, env), argv.join(' ')).to.equal(undefined)
    }

    // A help flag after `--` is an argument, not a request for help.
    expect(leanRoute(['agent', 'tasks', 'mark-status', '--', '--help'], env)).to.include({kind: 'command'})
  })

  it('is off with SPEC_KITTY_LEAN=0 and whenever oclif debug output is asked for', () => {
    for (const off of [{SPEC_KITTY_LEAN: '0'}, {DEBUG: '*'}, {SPEC_KITTY_DEBUG: '1'}]) expect(leanRoute(['--version'], off), JSON.stringify(off)).to.equal(undefined)
  })

  it('knows the help flags package.json gives oclif', () => {
    const pjson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {oclif: {additionalHelpFlags: string[]}}
    for (const flag of [...pjson.oclif.additionalHelpFlags, '--help']) expect(leanRoute([flag], env), flag).to.include({kind: 'help'})
  })
})

describe('the lean launcher finds oclif\'s cache folder without oclif', () => {
  const saved = {...process.env}
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-cache-dir-'))
  })

  afterEach(() => {
    for (const key of ['HOME', 'XDG_CACHE_HOME', 'SPEC_KITTY_CACHE_DIR']) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }

    rmSync(dir, {force: true, recursive: true})
  })

  it('is the folder oclif\'s Config computes, for each way of setting it', async () => {
    const cases: Array<Record<string, string | undefined>> = [
      {HOME: join(dir, 'home'), SPEC_KITTY_CACHE_DIR: undefined, XDG_CACHE_HOME: undefined},
      {HOME: join(dir, 'home'), SPEC_KITTY_CACHE_DIR: undefined, XDG_CACHE_HOME: join(dir, 'xdg')},
      {HOME: join(dir, 'home'), SPEC_KITTY_CACHE_DIR: join(dir, 'own'), XDG_CACHE_HOME: join(dir, 'xdg')},
    ]
    for (const values of cases) {
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }

      // eslint-disable-next-line no-await-in-loop
      const config = await Config.load(REPO_ROOT)
      expect(oclifCacheDir(process.env), JSON.stringify(values)).to.equal(config.cacheDir)
    }
  })
})
