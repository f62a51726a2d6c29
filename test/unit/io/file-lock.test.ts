import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {acquireLock, withLock} from '../../../src/core/io/file-lock.js'

describe('file lock', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lock-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('holds our pid while held and is gone after release', () => {
    const path = join(dir, 'm.lock')
    withLock(path, {what: 'test'}, () => {
      expect(Number.parseInt(readFileSync(path, 'utf8'), 10)).to.equal(process.pid)
    })
    expect(existsSync(path)).to.equal(false)
  })

  it('breaks the lock of a dead process', () => {
    const path = join(dir, 'm.lock')
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
    writeFileSync(path, `${dead.stdout}\n`)
    const release = acquireLock(path, {timeoutMs: 2000, what: 'test'})
    expect(Number.parseInt(readFileSync(path, 'utf8'), 10)).to.equal(process.pid)
    release()
  })

  it('times out with a remediation while a live process holds it', () => {
    const path = join(dir, 'm.lock')
    writeFileSync(path, `${process.ppid}\n`)
    expect(() => acquireLock(path, {timeoutMs: 50, what: 'test'})).to.throw(/Timed out waiting for the test lock/)
    expect(readFileSync(path, 'utf8')).to.equal(`${process.ppid}\n`)
  })
})
