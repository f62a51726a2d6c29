import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {pythonJsonDocument} from '../../src/core/io/python-json.js'
import {readEventLog} from '../../src/core/status/event-log.js'
import {reduceEvents} from '../../src/core/status/reducer.js'
import {buildSnapshot} from '../../src/core/status/status-snapshot.js'
import {loadMissionTasks} from '../../src/core/tasks/tasks-file.js'
import {readWorkPackageFiles} from '../../src/core/tasks/work-package-files.js'
import {readyMission} from '../support/merge-fixtures.js'
import {createMission, statusDir} from '../support/missions.js'
import {parseJson, REPO_ROOT, Sandbox} from '../support/sandbox.js'

const WRITER_KILLS = 30
const MOVE_KILLS = 20
const MARK_KILLS = 20
const MERGE_KILLS = 10

/** A kill time spread over a run: start-up, reading, the locked write; a few land after the exit. */
const randomPoint = (duration: number) => Math.floor(duration * (0.3 + (Math.random() * 0.7)))

/** Every file a mission keeps parses, and the event log has no torn (unterminated) line. */
function assertMissionIntact(dir: string, label: string): void {
  for (const name of ['meta.json', 'status.json', 'lanes.json']) {
    if (existsSync(join(dir, name))) expect(() => JSON.parse(readFileSync(join(dir, name), 'utf8')), `${name} ${label}`).not.to.throw()
  }

  const log = readFileSync(join(dir, 'status.events.jsonl'), 'utf8')
  expect(log.endsWith('\n'), `event log ends mid-line ${label}`).to.equal(true)
  expect(() => readEventLog(dir), `event log ${label}`).not.to.throw()
  expect(() => loadMissionTasks(dir), `tasks.md ${label}`).not.to.throw()
  expect(() => readWorkPackageFiles(dir), `prompt files ${label}`).not.to.throw()
}

/** After a successful command the snapshot is exactly what the event log reduces to. */
function assertSnapshotMatchesLog(dir: string, label: string): void {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
  expect(readFileSync(join(dir, 'status.json'), 'utf8'), `status.json ${label}`).to.equal(pythonJsonDocument(buildSnapshot(reduceEvents(readEventLog(dir)), meta)))
}

/** How long an uninterrupted run of `args` takes here, to aim the kills inside it. */
async function timeRun(sandbox: Sandbox, args: string[]): Promise<number> {
  const started = Date.now()
  const result = await sandbox.cliAsync(args)
  expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).to.equal(0)
  return Date.now() - started
}

describe('crash safety: SIGKILL at random points', function () {
  this.timeout(300_000)
  const survived = {mark: 0, merge: 0, move: 0}

  after(() => process.stderr.write(`      kills that landed mid-run: move-task ${survived.move}, mark-status ${survived.mark}, merge ${survived.merge}\n`))

  it(`never leaves a partial status.json or meta.json when the atomic writer is killed (${WRITER_KILLS} kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-kitty-kill-'))
    try {
      for (let kill = 0; kill < WRITER_KILLS; kill++) {
        // eslint-disable-next-line no-await-in-loop -- one writer at a time, killed at a random moment
        await new Promise<void>((done, fail) => {
          const child = spawn(process.execPath, [join(REPO_ROOT, 'test/support/snapshot-writer.js'), dir], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit']})
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

  describe('mission commands', () => {
    let sandbox: Sandbox

    beforeEach(() => {
      sandbox = new Sandbox()
      sandbox.initProject()
    })

    afterEach(() => sandbox.cleanup())

    it(`move-task: ${MOVE_KILLS} kills; every file parses, and the next move succeeds from wherever the kill left the WP`, async () => {
      const {dir, slug} = createMission(sandbox)
      const move = (to: string) => ['agent', 'tasks', 'move-task', 'WP01', '--to', to, '--mission', slug, '--no-auto-commit', '--json']
      // The canonical lane, straight from the event log (status.json may be one write behind a kill).
      const lane = () => reduceEvents(readEventLog(dir)).workPackages.get('WP01')?.lane
      await timeRun(sandbox, move('claimed'))
      const duration = await timeRun(sandbox, move('in_progress'))
      for (let kill = 0; kill < MOVE_KILLS; kill++) {
        const to = lane() === 'blocked' ? 'in_progress' : 'blocked'
        // eslint-disable-next-line no-await-in-loop -- one crash at a time
        const run = await sandbox.cliKilledAfter(move(to), randomPoint(duration))
        if (run.killed) survived.move++
        assertMissionIntact(dir, `after move-task kill ${kill}`)
        // Recovery: a stale lock of the dead process never blocks, and the log and snapshot agree again.
        const next = lane() === 'blocked' ? 'in_progress' : 'blocked'
        // eslint-disable-next-line no-await-in-loop -- the rerun after the crash
        await timeRun(sandbox, move(next))
        assertSnapshotMatchesLog(dir, `after the rerun following kill ${kill}`)
        expect(readdirSync(dir).filter(name => name.endsWith('.tmp')), `stray temp files after the rerun following kill ${kill}`).to.deep.equal([])
      }
    })

    it(`mark-status: ${MARK_KILLS} kills; tasks.md is the old or the new text, never a mix, and a rerun ticks it`, async () => {
      const ids = Array.from({length: MARK_KILLS}, (_, i) => `T${String(i + 1).padStart(3, '0')}`)
      const {dir, slug} = createMission(sandbox, `# Tasks\n\n## Work Package WP01: All\n\n${ids.map(id => `- [ ] ${id} step`).join('\n')}\n`)
      const mark = (id: string, status = 'done') => ['agent', 'tasks', 'mark-status', id, '--status', status, '--mission', slug, '--no-auto-commit', '--json']
      const duration = await timeRun(sandbox, mark('T001', 'pending'))
      for (const [kill, id] of ids.entries()) {
        const before = readFileSync(join(dir, 'tasks.md'), 'utf8')
        const after = before.replace(`- [ ] ${id} step`, `- [x] ${id} step`)
        // eslint-disable-next-line no-await-in-loop -- one crash at a time
        const run = await sandbox.cliKilledAfter(mark(id), randomPoint(duration))
        if (run.killed) survived.mark++
        assertMissionIntact(dir, `after mark-status kill ${kill}`)
        expect(readFileSync(join(dir, 'tasks.md'), 'utf8')).to.be.oneOf([before, after])
        // eslint-disable-next-line no-await-in-loop -- the rerun after the crash
        await timeRun(sandbox, mark(id))
        expect(readFileSync(join(dir, 'tasks.md'), 'utf8')).to.equal(after)
        expect(readdirSync(dir).filter(name => name.endsWith('.tmp')), `stray temp files after the rerun following kill ${kill}`).to.deep.equal([])
      }
    })

    it(`merge: ${MERGE_KILLS} kills; --abort or --resume recovers every time, and the mission lands`, async () => {
      // Aim the kills with the duration of one uninterrupted merge on this machine.
      const probe = new Sandbox()
      let duration: number
      try {
        probe.initProject()
        duration = await timeRun(probe, ['merge', '--mission', readyMission(probe).slug, '--json'])
      } finally {
        probe.cleanup()
      }

      let mission = readyMission(sandbox)
      const merge = (...extra: string[]) => ['merge', '--mission', mission.slug, '--json', ...extra]
      for (let kill = 0; kill < MERGE_KILLS; kill++) {
        // eslint-disable-next-line no-await-in-loop -- one crash at a time
        const run = await sandbox.cliKilledAfter(merge(), randomPoint(duration))
        if (run.killed) survived.merge++
        assertMissionIntact(statusDir(sandbox.repo, mission.slug), `after merge kill ${kill}`)
        // Recovery: two kills in three --abort first (refused with merge_already_landed once the
        // target moved, which --resume then finishes); the third goes to --resume straight away.
        if (kill % 3 !== 2) {
          const aborted = sandbox.cli(merge('--abort'))
          const abortCode = aborted.code === 0 ? 'ok' : (parseJson(aborted.stdout).error as {code: string}).code
          expect(abortCode, `merge --abort after kill ${kill}: ${aborted.stdout}`).to.be.oneOf(['ok', 'merge_already_landed'])
        }

        const resumed = sandbox.cli(merge('--resume'))
        const resumeCode = resumed.code === 0 ? 'ok' : (parseJson(resumed.stdout).error as {code?: string} | undefined)?.code
        expect(resumeCode, `merge --resume after kill ${kill}: ${resumed.stdout}${resumed.stderr}`).to.be.oneOf(['ok', 'nothing_to_resume'])
        const merged = sandbox.git(['branch', '--list', mission.missionBranch]) === ''
        if (merged || resumeCode === 'ok') {
          // Landed (by the killed run or by --resume): the target holds both lanes' work; start over.
          expect(sandbox.git(['show', 'feature/widgets:src/a.txt'])).to.equal('A')
          expect(sandbox.git(['show', 'feature/widgets:src/b.txt'])).to.equal('B')
          expect(sandbox.git(['status', '--porcelain']), `bookkeeping committed after kill ${kill}`).to.equal('')
          sandbox.cleanup()
          sandbox = new Sandbox()
          sandbox.initProject()
          mission = readyMission(sandbox)
        } else {
          const dry = sandbox.cli(merge('--dry-run'))
          expect(parseJson(dry.stdout), `dry run after kill ${kill}`).to.include({ready: true})
        }
      }
    })
  })
})
