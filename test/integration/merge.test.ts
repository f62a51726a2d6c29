import {expect} from 'chai'
import {
  existsSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {join, relative} from 'node:path'

import {formatIdentity, selfIdentity} from '../../src/core/io/process-identity.js'
import {readyMission, type ReadyMission, repositoryFingerprint} from '../support/merge-fixtures.js'
import {type CliResult, parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

interface MergeDoc {
  blocker: null | string
  blockers: Array<{id: string; message: string; remediation: null | string}>
  expected_branch: string
  merged: boolean
  ready: boolean
  remediation: null | string
  warnings: Array<{id: string}>
}

function mergeDoc(result: CliResult): MergeDoc {
  const doc = parseJson(result.stdout)
  assertSchema('merge-preflight', doc)
  return doc as unknown as MergeDoc
}

/** Ways a mission can be unready (or ready), applied to a ready two-lane mission. */
const SCENARIOS: Array<{apply?: (s: Sandbox, m: ReadyMission) => void; conflict?: boolean; expect: string[]; legacy?: boolean; name: string; push?: boolean}> = [
  {expect: [], name: 'clean'},
  // Upstream #976: a mission without a coordination branch whose mission branch is gone.
  {
    apply: (s, m) => s.git(['branch', '-D', m.missionBranch]), expect: ['missing_mission_branch'], legacy: true, name: 'missing mission branch',
  },
  {
    apply(s, m) {
      s.git(['worktree', 'remove', m.worktrees.b])
      s.git(['branch', '-D', m.lanes.b])
    },
    expect: ['missing_lane_branch'],
    name: 'missing lane branch',
  },
  {apply: s => s.write('README.md', '# edited but not committed\n'), expect: ['dirty_worktree'], name: 'dirty primary checkout'},
  {apply: (_s, m) => writeFileSync(join(m.worktrees.a, 'scratch.txt'), 'wip\n'), expect: ['dirty_worktree'], name: 'dirty lane worktree'},
  // Status written there and not committed would be left behind on the deleted coordination branch.
  {apply: (s, m) => writeFileSync(join(s.repo, '.worktrees', `${m.slug}-coord`, 'kitty-specs', m.slug, 'notes.md'), 'wip\n'), expect: ['dirty_worktree'], name: 'dirty coordination worktree'},
  {
    apply(s, m) {
      expect(s.cli(['agent', 'tasks', 'move-task', 'WP02', '--to', 'in_progress', '--mission', m.slug]).code).to.equal(0)
    },
    expect: ['wp_not_approved'],
    name: 'WP not approved',
  },
  {conflict: true, expect: ['merge_conflict'], name: 'conflicting lanes'},
  {
    apply: s => divergeFromOrigin(s), expect: ['target_not_synchronized'], name: 'target diverged, pushing', push: true,
  },
  {apply: s => divergeFromOrigin(s), expect: [], name: 'target diverged, not pushing (a warning)'},
  {
    apply(s, m) {
      s.write('README.md', '# several problems at once\n')
      s.git(['branch', '-D', m.missionBranch])
    },
    expect: ['missing_mission_branch', 'dirty_worktree'],
    legacy: true,
    name: 'several blockers at once',
  },
]

/** origin has a commit we lack and we have one it lacks; the remote-tracking ref knows both. */
function divergeFromOrigin(sandbox: Sandbox): void {
  const origin = join(sandbox.dir, 'origin.git')
  sandbox.git(['init', '-q', '--bare', origin])
  sandbox.git(['remote', 'add', 'origin', origin])
  sandbox.git(['push', '-q', 'origin', 'feature/widgets'])
  const other = join(sandbox.dir, 'other')
  sandbox.git(['clone', '-q', '-b', 'feature/widgets', origin, other])
  writeFileSync(join(other, 'upstream.txt'), 'from someone else\n')
  sandbox.git(['add', '-A'], other)
  sandbox.git(['commit', '-q', '-m', 'upstream change'], other)
  sandbox.git(['push', '-q', 'origin', 'HEAD:feature/widgets'], other)
  sandbox.write('local.txt', 'local change\n')
  sandbox.git(['add', '-A'])
  sandbox.git(['commit', '-q', '-m', 'local change'])
  sandbox.git(['fetch', '-q', 'origin'])
}

/**
 * The state file an interrupted squash merge of `mission` leaves, as the executor writes it; returns
 * the merge runtime folder (relative to the repository) that holds it and the workspace.
 */
function interruptedMerge(sandbox: Sandbox, mission: ReadyMission, progress: {completed_lanes: string[]; phase: 'lanes' | 'target'}, strategy = 'squash'): string {
  const meta = JSON.parse(readFileSync(join(sandbox.repo, 'kitty-specs', mission.slug, 'meta.json'), 'utf8'))
  const runtime = `.kittify/runtime/merge/${meta.mission_id}`
  sandbox.write('.git/info/exclude', '/.kittify/runtime/\n')
  sandbox.write(`${runtime}/state.json`, JSON.stringify({
    ...progress, mission_branch: mission.missionBranch, mission_slug: mission.slug, push: false, started_at: 'x', strategy, target_after: null, target_before: null, target_branch: 'feature/widgets', updated_at: 'x',
  }))
  return runtime
}

describe('merge: the dry run and the real merge agree', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.expect.length === 0 ? 'ready, and the merge lands' : `blocked by ${scenario.expect.join(' + ')} in both`}`, () => {
      const mission = readyMission(sandbox, {conflict: scenario.conflict, legacy: scenario.legacy})
      scenario.apply?.(sandbox, mission)
      const pushFlag = scenario.push ? ['--push'] : []
      const before = repositoryFingerprint(sandbox)
      const dry = sandbox.cli(['merge', '--mission', mission.slug, '--dry-run', '--json', ...pushFlag])
      const dryDoc = mergeDoc(dry)
      expect(repositoryFingerprint(sandbox), 'the dry run wrote something').to.equal(before)
      expect(existsSync(join(sandbox.repo, '.kittify', 'runtime'))).to.equal(false)
      expect(dryDoc.blockers.map(b => b.id)).to.have.members(scenario.expect)
      expect(dry.code).to.equal(dryDoc.ready ? 0 : 1)

      const targetBefore = sandbox.git(['rev-parse', 'feature/widgets'])
      const real = sandbox.cli(['merge', '--mission', mission.slug, '--json', ...pushFlag])
      const realDoc = mergeDoc(real)
      expect(real.code === 0, `dry run said ready=${dryDoc.ready}; merge said ${real.stdout}`).to.equal(dryDoc.ready)
      if (dryDoc.ready) {
        expect(realDoc.merged).to.equal(true)
        expect(sandbox.git(['show', 'feature/widgets:src/a.txt'])).to.equal('A')
        expect(sandbox.git(['show', 'feature/widgets:src/b.txt'])).to.equal('B')
        expect(sandbox.git(['branch', '--list', 'kitty/*'])).to.equal('')
        expect(sandbox.git(['status', '--porcelain'])).to.equal('')
        const status = JSON.parse(readFileSync(join(sandbox.repo, 'kitty-specs', mission.slug, 'status.json'), 'utf8'))
        expect(status.summary.done).to.equal(2)
      } else {
        // Blocked before its first irreversible step, with the same document as the dry run.
        expect(realDoc.blockers.map(b => b.id)).to.deep.equal(dryDoc.blockers.map(b => b.id))
        expect(realDoc).to.include({blocker: dryDoc.blocker, merged: false, ready: false})
        expect(sandbox.git(['rev-parse', 'feature/widgets'])).to.equal(targetBefore)
        expect(repositoryFingerprint(sandbox)).to.equal(before)
      }
    })
  }
})

describe('merge: scenario D (fresh workspace, mission branch never created)', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  it('reports the blocker with a pasteable remediation; after pasting it the merge lands', () => {
    const mission = readyMission(sandbox, {legacy: true})
    sandbox.git(['branch', '-D', mission.missionBranch])
    const dry = sandbox.cli(['merge', '--mission', mission.slug, '--dry-run', '--json'])
    const doc = mergeDoc(dry)
    expect(dry.code).to.equal(1)
    const tip = sandbox.git(['rev-parse', 'feature/widgets'])
    expect(doc).to.include({
      blocker: 'missing_mission_branch', expected_branch: mission.missionBranch, ready: false, remediation: `git branch ${mission.missionBranch} ${tip}`,
    })
    const human = sandbox.cli(['merge', '--mission', mission.slug, '--dry-run'])
    expect(human.stdout).to.contain(`Expected branch: ${mission.missionBranch}`).and.contain(`Fix: git branch ${mission.missionBranch} ${tip}`)

    sandbox.git(doc.remediation!.split(' ').slice(1))
    const ready = mergeDoc(sandbox.cli(['merge', '--mission', mission.slug, '--dry-run', '--json']))
    expect(ready).to.include({blocker: null, ready: true})
    const merged = sandbox.cli(['merge', '--mission', mission.slug])
    expect(merged.code, merged.stderr).to.equal(0)
    expect(sandbox.git(['log', '--format=%s', '-2', 'feature/widgets']).split('\n')).to.deep.equal([
      `chore(${mission.slug}): record done transitions for merged WPs`,
      `feat(${mission.missionBranch}): squash merge of mission`,
    ])
  })

  it('suggests tracking origin when the remote has the mission branch', () => {
    const mission = readyMission(sandbox, {legacy: true})
    const origin = join(sandbox.dir, 'origin.git')
    sandbox.git(['init', '-q', '--bare', origin])
    sandbox.git(['remote', 'add', 'origin', origin])
    sandbox.git(['push', '-q', 'origin', mission.missionBranch])
    sandbox.git(['fetch', '-q', 'origin'])
    sandbox.git(['branch', '-D', mission.missionBranch])
    const doc = mergeDoc(sandbox.cli(['merge', '--mission', mission.slug, '--dry-run', '--json']))
    expect(doc.remediation).to.equal(`git branch --track ${mission.missionBranch} origin/${mission.missionBranch}`)
  })

  it('names the conflicting files in the forecast', () => {
    const mission = readyMission(sandbox, {conflict: true})
    const doc = mergeDoc(sandbox.cli(['merge', '--mission', mission.slug, '--dry-run', '--json']))
    const conflict = doc.blockers.find(b => b.id === 'merge_conflict')!
    expect(conflict.message).to.contain('src/a.txt').and.contain(mission.lanes.b)
  })
})

describe('merge: strategies, resume and abort', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  for (const strategy of ['merge', 'rebase']) {
    it(`lands with --strategy ${strategy} and keeps branches with --keep-branch`, () => {
      const mission = readyMission(sandbox)
      const result = sandbox.cli(['merge', '--mission', mission.slug, '--strategy', strategy, '--keep-branch', '--json'])
      expect(result.code, result.stdout).to.equal(0)
      expect(sandbox.git(['show', 'feature/widgets:src/b.txt'])).to.equal('B')
      expect(sandbox.git(['branch', '--list', mission.missionBranch])).to.contain(mission.missionBranch)
    })
  }

  it('resumes a merge killed in the middle of its squash, discarding the half-done workspace', () => {
    // The state a SIGKILL during `git merge --squash` leaves: lanes merged, phase target, and the
    // temporary workspace holding the squash's uncommitted changes (found by the crash-safety loop).
    const mission = readyMission(sandbox)
    const runtime = interruptedMerge(sandbox, mission, {completed_lanes: ['lane-a', 'lane-b'], phase: 'target'})
    const workspace = join(sandbox.repo, runtime, 'workspace')
    sandbox.git(['worktree', 'add', '--quiet', '--detach', workspace, mission.missionBranch])
    for (const lane of [mission.lanes.a, mission.lanes.b]) sandbox.git(['merge', '--no-ff', '--quiet', '-m', `merge ${lane}`, lane], workspace)
    // The mission branch is checked out in its coordination worktree: it moves there, as the merge moves it.
    sandbox.git(['merge', '--ff-only', '--quiet', sandbox.git(['rev-parse', 'HEAD'], workspace)], join(sandbox.repo, '.worktrees', `${mission.slug}-coord`))
    sandbox.git(['checkout', '--quiet', '--detach', 'feature/widgets'], workspace)
    sandbox.git(['merge', '--squash', '--quiet', mission.missionBranch], workspace)
    const resumed = sandbox.cli(['merge', '--mission', mission.slug, '--resume', '--json'])
    expect(resumed.code, resumed.stdout).to.equal(0)
    expect(sandbox.git(['show', 'feature/widgets:src/a.txt'])).to.equal('A')
    expect(sandbox.git(['show', 'feature/widgets:src/b.txt'])).to.equal('B')
    expect(sandbox.git(['status', '--porcelain'])).to.equal('')
  })

  it('a mission that already landed says so, exit 0, instead of blockers that would recreate branches', () => {
    const mission = readyMission(sandbox)
    expect(sandbox.cli(['merge', '--mission', mission.slug, '--json']).code).to.equal(0)
    for (const flags of [[], ['--dry-run']]) {
      const again = sandbox.cli(['merge', '--mission', mission.slug, ...flags, '--json'])
      expect(again.code, again.stdout).to.equal(0)
      const doc = parseJson(again.stdout)
      assertSchema('merge-preflight', doc)
      expect(doc).to.include({
        already_merged: true, blocker: null, merged: false, ready: false,
      })
      expect(doc.blockers).to.deep.equal([])
    }

    expect(sandbox.cli(['merge', '--mission', mission.slug]).stdout).to.contain('is already merged into feature/widgets')
  })

  it('resumes with the strategy and target it started with, and refuses flags that say otherwise', () => {
    const mission = readyMission(sandbox)
    interruptedMerge(sandbox, mission, {completed_lanes: [], phase: 'lanes'}, 'merge')
    const conflicting = sandbox.cli(['merge', '--mission', mission.slug, '--resume', '--strategy', 'squash', '--json'])
    expect(conflicting.code, conflicting.stdout).to.equal(2)
    expect((parseJson(conflicting.stdout).error as {code: string}).code).to.equal('resume_conflict')
    const resumed = sandbox.cli(['merge', '--mission', mission.slug, '--resume', '--json'])
    expect(resumed.code, resumed.stdout).to.equal(0)
    // --strategy merge brings merge commits onto the target; a squash would bring none.
    expect(sandbox.git(['rev-list', '--merges', 'feature/widgets'])).not.to.equal('')
  })

  it('resumes a merge killed while its workspace was being created', () => {
    const mission = readyMission(sandbox)
    const runtime = interruptedMerge(sandbox, mission, {completed_lanes: [], phase: 'lanes'})
    // A half-made folder where the worktree should be: not a checkout of its own.
    sandbox.write(`${runtime}/workspace/src/a.txt`, 'half\n')
    const resumed = sandbox.cli(['merge', '--mission', mission.slug, '--resume', '--json'])
    expect(resumed.code, resumed.stdout).to.equal(0)
    expect(sandbox.git(['show', 'feature/widgets:src/a.txt'])).to.equal('A')
  })

  it('an interrupted merge blocks a new one, resumes to completion, and --abort clears it', () => {
    const mission = readyMission(sandbox)
    const runtime = interruptedMerge(sandbox, mission, {completed_lanes: ['lane-a'], phase: 'lanes'})
    const stateDir = join(sandbox.repo, runtime)
    const state = readFileSync(join(stateDir, 'state.json'), 'utf8')
    const blocked = mergeDoc(sandbox.cli(['merge', '--mission', mission.slug, '--json']))
    expect(blocked.blocker).to.equal('merge_in_progress')
    expect(blocked.remediation).to.contain('--resume')
    const resumed = sandbox.cli(['merge', '--mission', mission.slug, '--resume', '--json'])
    expect(resumed.code, resumed.stdout).to.equal(0)
    // lane-a was recorded as merged, so only lane-b was merged on resume
    expect((parseJson(resumed.stdout).result as {lanes_merged: string[]}).lanes_merged).to.deep.equal(['lane-b'])
    expect(existsSync(stateDir)).to.equal(false)

    const nothing = sandbox.cli(['merge', '--mission', mission.slug, '--resume', '--json'])
    expect(nothing.code).to.equal(1)
    expect(parseJson(nothing.stdout).error).to.include({code: 'nothing_to_resume'})
    sandbox.write(`${runtime}/state.json`, state)
    const aborted = sandbox.cli(['merge', '--mission', mission.slug, '--abort', '--json'])
    expect(aborted.code).to.equal(0)
    expect(parseJson(aborted.stdout)).to.include({aborted: true, had_state: true})
    assertSchema('merge-abort', parseJson(aborted.stdout))
    expect(existsSync(stateDir)).to.equal(false)
    rmSync(join(sandbox.repo, '.kittify', 'runtime'), {force: true, recursive: true})
  })

  it('--abort waits for the merge lock before it discards anything: a running merge keeps its state', () => {
    const mission = readyMission(sandbox)
    const runtime = interruptedMerge(sandbox, mission, {completed_lanes: ['lane-a'], phase: 'lanes'})
    // The merge lock of a live process (this test runner) stands for a merge that is running now.
    const lock = join(sandbox.repo, '.kittify', 'runtime', 'merge', '__global_merge__', 'lock')
    sandbox.write(relative(sandbox.repo, lock), `${formatIdentity(selfIdentity())}\nnow\n`)
    const aborted = sandbox.cli(['merge', '--mission', mission.slug, '--abort', '--json'])
    expect(aborted.code, aborted.stdout).to.equal(1)
    expect(parseJson(aborted.stdout).error).to.include({code: 'lock_timeout'})
    expect(existsSync(join(sandbox.repo, runtime, 'state.json')), 'the running merge lost its state').to.equal(true)
  })
})
