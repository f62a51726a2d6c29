import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {REPO_ROOT} from '../support/sandbox.js'

const KILLS = 30

describe('crash safety of atomic writes', function () {
  this.timeout(300_000)

  it(`never leaves a partial status.json or meta.json when the writer is SIGKILLed (${KILLS} kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-kitty-kill-'))
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        // eslint-disable-next-line no-await-in-loop -- one writer at a time, killed at a random moment
        await new Promise<void>((done, fail) => {
          const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/support/snapshot-writer.ts'), dir], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit']})
          child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), 5 + Math.floor(Math.random() * 60)))
          child.once('exit', () => done())
          child.once('error', fail)
        })
        for (const name of ['status.json', 'meta.json']) {
          const text = readFileSync(join(dir, name), 'utf8')
          expect(() => JSON.parse(text), `${name} after kill ${kill}`).not.to.throw()
        }
      }

      // Only the targets and (at most) stray temp files of killed writers remain; readers ignore those.
      const others = readdirSync(dir).filter(f => !['meta.json', 'status.json'].includes(f))
      expect(others.every(f => f.endsWith('.tmp'))).to.equal(true)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
