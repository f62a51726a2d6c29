import {expect} from 'chai'
import {chmodSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {readyMission} from '../support/merge-fixtures.js'
import {parseJson, Sandbox} from '../support/sandbox.js'

describe('merge preflight: git asked once for every ref', () => {
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  it('reads branches and remote refs with one for-each-ref, not one call per lane', () => {
    const {slug} = readyMission(sandbox)
    // A stand-in git on PATH that records each call's arguments, then runs the real git.
    const realGit = sandbox.git(['--exec-path']).trim()
    const log = join(sandbox.dir, 'git-calls.log')
    sandbox.write('../bin/git', `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}/git' "$@"\n`)
    chmodSync(join(sandbox.dir, 'bin', 'git'), 0o755)
    const dry = sandbox.cli(['merge', '--mission', slug, '--dry-run', '--json'], {env: {PATH: `${join(sandbox.dir, 'bin')}:${process.env.PATH}`}})
    expect(parseJson(dry.stdout).ready, dry.stdout).to.equal(true)
    const calls = readFileSync(log, 'utf8').trim().split('\n')
    expect(calls.filter(call => call.startsWith('for-each-ref'))).to.have.length(1)
    expect(calls.filter(call => call.startsWith('show-ref') || call.startsWith('rev-parse --verify --quiet refs/heads/')), calls.join('\n')).to.deep.equal([])
  })
})
