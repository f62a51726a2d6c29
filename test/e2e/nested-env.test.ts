import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, isAbsolute, join} from 'node:path'

import {
  createNestedEnv, EnvironmentLimitation, type Host, LIMITATION_PREFIX, methodOrder, probeHost,
} from './support/nested-env.js'

/**
 * A stand-in `uv` (the real one cannot be installed here). It records its arguments, answers
 * `uv python dir` with STANDIN_UV_PYTHON_DIR, and for `uv venv DIR --python PY` builds a real
 * environment with PY -m venv, or fails when STANDIN_UV_FAIL is set.
 */
const STANDIN_UV = `#!/bin/sh
echo "$*" >> "$STANDIN_UV_LOG"
case "$1" in
  python) [ "$2" = dir ] && [ -n "$STANDIN_UV_PYTHON_DIR" ] && { echo "$STANDIN_UV_PYTHON_DIR"; exit 0; }; exit 2 ;;
  venv)
    [ -n "$STANDIN_UV_FAIL" ] && { echo "error: stand-in uv was told to fail" >&2; exit 2; }
    dir="$2"; shift 2; py=python3
    while [ $# -gt 0 ]; do case "$1" in --python) py="$2"; shift 2 ;; *) shift ;; esac; done
    exec "$py" -m venv --symlinks "$dir" ;;
esac
exit 2
`

/** The sys.prefix an interpreter reports: proof that it runs and belongs to its environment. */
const runs = (python: string) => spawnSync(python, ['-c', 'import sys; print(sys.prefix)'], {encoding: 'utf8'}).stdout.trim()

describe('nested-env helper (test/e2e/support/nested-env.ts)', function () {
  this.timeout(180_000)
  // '' until a case that runs makes its folder.
  let work = ''
  let uvBin: string
  let log: string
  const outer = probeHost(process.env)

  beforeEach(function () {
    if (!outer.python) {
      // Every case below needs a real python3 on PATH to build a venv: a limitation of this machine.
      process.stderr.write(`skipped ${this.currentTest?.title}: ${LIMITATION_PREFIX} No python3 on PATH.\n`)
      this.skip()
    }

    work = mkdtempSync(join(tmpdir(), 'spec-kitty-nested-env-'))
    uvBin = join(work, 'uv-bin')
    log = join(work, 'uv.log')
    mkdirSync(uvBin)
    writeFileSync(join(uvBin, 'uv'), STANDIN_UV)
    chmodSync(join(uvBin, 'uv'), 0o755)
    writeFileSync(log, '')
  })

  afterEach(() => {
    // A skipped case made no folder.
    if (work) rmSync(work, {force: true, recursive: true})
    work = ''
  })

  const withUv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env, PATH: `${uvBin}${delimiter}${process.env.PATH}`, STANDIN_UV_LOG: log, ...extra,
  })
  const uvCalls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean)

  it('uses uv venv (with pip seeded) when uv is on PATH and the outer Python is uv-managed', () => {
    // uv says its managed Pythons live where this python3 really lives: the outer Python is uv-managed.
    const result = createNestedEnv(join(work, 'venv'), {env: withUv({STANDIN_UV_PYTHON_DIR: outer.python!.basePrefix})})
    expect(result.method).to.equal('uv_venv')
    const venvCall = uvCalls().find(call => call.startsWith('venv '))
    expect(venvCall).to.equal(`venv ${join(work, 'venv')} --python ${outer.python!.executable} --seed`)
    expect(runs(result.python)).to.equal(join(work, 'venv'))
  })

  it('falls back to the stdlib venv when uv venv fails', () => {
    const result = createNestedEnv(join(work, 'venv'), {env: withUv({STANDIN_UV_FAIL: '1', STANDIN_UV_PYTHON_DIR: outer.python!.basePrefix})})
    expect(result.method).to.equal('stdlib_venv')
    expect(uvCalls().some(call => call.startsWith('venv '))).to.equal(true)
    expect(runs(result.python)).to.equal(join(work, 'venv'))
  })

  it('uses the stdlib venv when uv is absent, and returns absolute, working paths', () => {
    const pathWithoutUv = (process.env.PATH ?? '').split(delimiter).filter(dir => !existsSync(join(dir, 'uv'))).join(delimiter)
    const result = createNestedEnv(join(work, 'venv'), {env: {...process.env, PATH: pathWithoutUv}})
    expect(result).to.have.all.keys('method', 'pip', 'python', 'venvDir')
    expect(result.method).to.equal('stdlib_venv')
    expect(result.venvDir).to.equal(join(work, 'venv'))
    for (const path of [result.python, result.pip]) expect(isAbsolute(path), path).to.equal(true)
    expect(runs(result.python)).to.equal(result.venvDir)
    expect(spawnSync(result.pip, ['--version'], {encoding: 'utf8'}).stdout).to.match(/^pip /)
  })

  it('throws the environment-limitation reason, with what was tried, when no method works', () => {
    // PATH holds only the failing stand-in uv: no python3 anywhere.
    const env = {PATH: uvBin, STANDIN_UV_FAIL: '1', STANDIN_UV_LOG: log}
    let error: unknown
    try {
      createNestedEnv(join(work, 'venv'), {env})
    } catch (error_) {
      error = error_
    }

    expect(error).to.be.instanceOf(EnvironmentLimitation)
    const {message} = error as Error
    expect(message.startsWith(LIMITATION_PREFIX), message).to.equal(true)
    expect(message).to.contain('uv venv').and.to.contain('stand-in uv was told to fail')
    expect(message).to.contain('no python3 on PATH').and.to.contain('Fix:')
  })

  it('chooses the order from the real base prefix, not from a loose "uv" substring', () => {
    const python = {basePrefix: '/opt/uvtools/python3.11', executable: '/opt/uvtools/python3.11/bin/python3', version: '3.11'}
    const uvManaged: Host = {python: {...python, basePrefix: '/home/u/.local/share/uv/python/cpython-3.11.9-linux-x86_64-gnu'}, uv: {path: '/usr/bin/uv'}}
    expect(methodOrder(uvManaged)).to.deep.equal(['uv_venv', 'stdlib_venv'])
    expect(methodOrder({python, uv: {path: '/usr/bin/uv'}})).to.deep.equal(['stdlib_venv', 'uv_venv'])
    expect(methodOrder({python: uvManaged.python})).to.deep.equal(['stdlib_venv'])
  })

  it('refuses a directory that already has content instead of deleting it', () => {
    mkdirSync(join(work, 'busy'))
    writeFileSync(join(work, 'busy', 'keep.txt'), 'mine')
    expect(() => createNestedEnv(join(work, 'busy'))).to.throw(/not empty/)
    expect(readFileSync(join(work, 'busy', 'keep.txt'), 'utf8')).to.equal('mine')
  })
})
