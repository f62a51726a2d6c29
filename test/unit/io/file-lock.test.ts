import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {acquireLock, withLock} from '../../../src/core/io/file-lock.js'
import {formatIdentity, parseIdentity, selfIdentity} from '../../../src/core/io/process-identity.js'

const holderPid = (path: string): number | undefined => parseIdentity(readFileSync(path, 'utf8').split('\n')[0]).pid

describe('file lock', () => {
  let dir: string
  let path: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lock-'))
    path = join(dir, 'm.lock')
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  const ago = (ms: number) => {
    const when = (Date.now() - ms) / 1000
    utimesSync(path, when, when)
  }

  it('names us (pid, start time, boot id, PID namespace) while held and is gone after release', () => {
    withLock(path, {what: 'test'}, () => {
      const identity = parseIdentity(readFileSync(path, 'utf8').split('\n')[0])
      expect(identity).to.deep.equal(parseIdentity(formatIdentity(selfIdentity())))
      expect(identity.pid).to.equal(process.pid)
      expect(identity.start, 'start time read from /proc').to.match(/^\d+$/)
    })
    expect(existsSync(path)).to.equal(false)
  })

  it('breaks the lock of a dead process, in the old bare-pid format too', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
    for (const content of [`${dead.stdout}\n`, `${formatIdentity({...selfIdentity(), pid: Number(dead.stdout)})}\n`]) {
      writeFileSync(path, content)
      const release = acquireLock(path, {timeoutMs: 2000, what: 'test'})
      expect(holderPid(path)).to.equal(process.pid)
      release()
    }
  })

  it('breaks a lock whose pid now belongs to another process (a reused pid, pid 1 in containers)', () => {
    // Our parent is alive, but it did not start at the time this lock file records.
    writeFileSync(path, `${formatIdentity({...selfIdentity(), pid: process.ppid, start: '1'})}\n`)
    const started = Date.now()
    withLock(path, {timeoutMs: 5000, what: 'test'}, () => expect(holderPid(path)).to.equal(process.pid))
    expect(Date.now() - started).to.be.lessThan(2000)
  })

  it('times out with a remediation while a live process holds it, and leaves its lock alone', () => {
    const parent = `${formatIdentity({...selfIdentity(), pid: process.ppid, start: readStart(process.ppid)})}\n`
    writeFileSync(path, parent)
    expect(() => acquireLock(path, {timeoutMs: 50, what: 'test'})).to.throw(/Timed out waiting for the test lock/)
    expect(readFileSync(path, 'utf8')).to.equal(parent)
  })

  it('trusts a lock of another PID namespace until staleAfterMs, then breaks it', () => {
    const foreign = `${formatIdentity({
      ...selfIdentity(), pid: 1, pidNs: 'pid:[1]', start: '5',
    })}\n`
    writeFileSync(path, foreign)
    expect(() => acquireLock(path, {staleAfterMs: 10_000, timeoutMs: 100, what: 'test'})).to.throw(/Timed out/)
    expect(readFileSync(path, 'utf8')).to.equal(foreign)
    ago(20_000)
    withLock(path, {staleAfterMs: 10_000, timeoutMs: 1000, what: 'test'}, () => expect(holderPid(path)).to.equal(process.pid))
  })

  it('breaks an empty lock file left by another tool within the timeout instead of spinning forever', () => {
    writeFileSync(path, '')
    expect(() => acquireLock(path, {timeoutMs: 200, what: 'test'}), 'a fresh empty file may be a writer mid-way').to.throw(/Timed out/)
    ago(5000)
    const started = Date.now()
    withLock(path, {timeoutMs: 1000, what: 'test'}, () => expect(holderPid(path)).to.equal(process.pid))
    expect(Date.now() - started).to.be.lessThan(1000)
  })

  it('release never removes a lock that another process took over meanwhile', () => {
    const release = acquireLock(path, {what: 'test'})
    const successor = `${formatIdentity({...selfIdentity(), pid: process.ppid})}\nnow\n`
    writeFileSync(path, successor)
    release()
    expect(readFileSync(path, 'utf8')).to.equal(successor)
  })
})

function readStart(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}
