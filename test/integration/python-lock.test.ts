import {expect} from 'chai'
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {acquireSharedFlock} from '../../src/core/io/shared-flock.js'
import {createMission, statusDir} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'

/**
 * Spec Kitty's Python CLI locks a mission with `filelock`, an fcntl flock on
 * <git-common-dir>/spec-kitty-locks/<slug>.status.lock. The other tool here is a real python3
 * process taking that flock with the standard library, as filelock does.
 */
const HOLD = `
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
`
const TRY = `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
`

/** Start python holding the lock for `seconds`; resolves once it has it. */
function pythonHolding(path: string, seconds: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', HOLD, path, String(seconds)], {stdio: ['ignore', 'pipe', 'inherit']})
    child.once('error', reject)
    child.stdout!.once('data', () => resolve(child))
  })
}

describe('the mission lock excludes Spec Kitty\'s Python CLI, both ways (a real python3 fcntl.flock)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let slug: string
  let lock: string

  beforeEach(function () {
    if (spawnSync('flock', ['--version']).error) this.skip() // flock(1) is util-linux; without it the shared lock is not taken (docs/compatibility.md)
    sandbox = new Sandbox()
    sandbox.initProject();
    ({slug} = createMission(sandbox))
    lock = join(sandbox.repo, '.git', 'spec-kitty-locks', `${slug}.status.lock`)
    mkdirSync(join(sandbox.repo, '.git', 'spec-kitty-locks'), {recursive: true})
  })

  afterEach(() => sandbox?.cleanup())

  it('a move waits while python holds the lock, and goes through only after it lets go', async () => {
    // Longer than the grace an ownerless lock file gets, so a lock that merely waits and then
    // breaks the file would finish first.
    const python = await pythonHolding(lock, 3.5)
    let pythonDone = 0
    python.once('exit', () => {
      pythonDone = Date.now()
    })
    const moved = await sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json'])
    const moveDone = Date.now()
    expect(moved.code, moved.stdout + moved.stderr).to.equal(0)
    expect(pythonDone, 'the move finished while python still held the lock').to.be.greaterThan(0).and.at.most(moveDone)
  })

  it('python cannot take the lock while this CLI holds it, and can once it is released', () => {
    const release = acquireSharedFlock(lock, {timeoutMs: 5000, what: 'test'})!
    const blocked = spawnSync('python3', ['-c', TRY, lock])
    expect(blocked.status, String(blocked.stderr)).to.equal(3)
    release()
    const free = spawnSync('python3', ['-c', TRY, lock])
    expect(free.status, String(free.stderr)).to.equal(0)
  })

  it('an empty leftover lock file (filelock < 3.21 leaves one) does not block, and stays', () => {
    writeFileSync(lock, '')
    const moved = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json'])
    expect(moved.code, moved.stdout).to.equal(0)
    expect(statSync(lock).size).to.equal(0)
  })

  it('a lock python never lets go is lock_timeout after SPEC_KITTY_LOCK_TIMEOUT_MS, and nothing is written', async () => {
    const python = await pythonHolding(lock, 30)
    try {
      const log = join(statusDir(sandbox.repo, slug), 'status.events.jsonl')
      const before = readFileSync(log, 'utf8')
      const started = Date.now()
      const refused = await sandbox.cliAsync(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json'], {env: {SPEC_KITTY_LOCK_TIMEOUT_MS: '800'}})
      expect(refused.code).to.equal(1)
      expect(parseJson(refused.stdout).error).to.include({code: 'lock_timeout'})
      expect((parseJson(refused.stdout).error as {message: string}).message).to.contain('Timed out after 800 ms')
      expect(Date.now() - started, 'waited past the timeout').to.be.lessThan(10_000)
      expect(readFileSync(log, 'utf8')).to.equal(before)
      expect(existsSync(lock)).to.equal(true)
    } finally {
      python.kill()
    }
  })
})
