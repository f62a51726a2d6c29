import {expect} from 'chai'
import fc from 'fast-check'
import {
  existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import '../../support/plugin-runtime.js'
import {drainOutbox} from '../../../plugins/plugin-sync/src/drain.js'
import {buildEnvelopes} from '../../../plugins/plugin-sync/src/envelope.js'
import {Outbox} from '../../../plugins/plugin-sync/src/outbox.js'
import {SyncFailure} from '../../../plugins/plugin-sync/src/sync-diagnostic.js'
import {implementWorkPackage} from '../../../src/app/implement.js'
import {buildMergeContext} from '../../../src/core/merge/merge-context.js'
import {abortMerge} from '../../../src/core/merge/merge-executor.js'
import {resolveMission} from '../../../src/core/mission/mission-handle.js'
import {CliError} from '../../../src/core/output/cli-error.js'
import {fileTreeFingerprint} from '../../support/fingerprint.js'
import {createMission} from '../../support/missions.js'
import {Sandbox} from '../../support/sandbox.js'
import {SyncTestServer} from '../../support/sync-server.js'

const RUNS = 60

/**
 * Values a pull request or a server may put where a path segment, a branch name or a file name is
 * expected: traversal, options, absolute paths, separators, control bytes, plus random strings and
 * random JSON values.
 */
function hostileValue(sandboxDir: string): fc.Arbitrary<unknown> {
  // Traversal from a runtime folder up to the repository, the sandbox and `outside`; never deeper
  // than the sandbox (4 levels), so that even a regression cannot reach past it.
  const traversal = fc.integer({max: 4, min: 1}).chain(depth => fc.constantFrom('', '/outside', '/repo', '/home').map(tail => `${'../'.repeat(depth).slice(0, -1)}${tail}`))
  const known = fc.constantFrom('/', sandboxDir, join(sandboxDir, 'outside'), '-m', '-D', '--output=' + join(sandboxDir, 'pwned'), '--orphan', 'a/../../b', 'x\u0000y', 'lane-a/../../..', '.', '', ' ', 'kitty/mission-x', 'WP01', '01HZZZZZZZZZZZZZZZZZZZZZZZ')
  return fc.oneof(
    {arbitrary: traversal, weight: 4},
    {arbitrary: known, weight: 3},
    {arbitrary: fc.string({maxLength: 40}), weight: 1},
    {arbitrary: fc.jsonValue({maxDepth: 2}), weight: 1},
  )
}

describe('fuzz: hostile values in meta.json, lanes.json and ack frames never touch a file outside their place', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  let outside: string
  let around: () => string

  before(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
    outside = join(sandbox.dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'id_rsa'), 'PRIVATE KEY\n')
    // Everything in the sandbox but the repository and the per-user state the commands may write.
    around = () => [fileTreeFingerprint(outside), readdirSync(sandbox.dir).sort().join(' '), existsSync(join(sandbox.dir, 'pwned'))].join('\n')
  })

  after(() => sandbox.cleanup())

  it(`meta.json mission_id/target_branch and lanes.json branch, lane and WP values: ${RUNS} runs of implement and merge --abort`, () => {
    const {dir, slug} = createMission(sandbox)
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
    const lanes = JSON.parse(readFileSync(join(dir, 'lanes.json'), 'utf8'))
    const before = around()
    const counts = {refused: 0, succeeded: 0}
    // Valid values as often as hostile ones, so that the paths that do delete and create run too.
    const or = (valid: fc.Arbitrary<unknown>) => fc.oneof({arbitrary: hostileValue(sandbox.dir), weight: 1}, {arbitrary: valid, weight: 1})
    const values = [or(fc.constantFrom(meta.mission_id, slug)), or(fc.constant('feature/widgets')), or(fc.constantFrom(lanes.mission_branch, 'kitty/other')), or(fc.constantFrom('lane-a', 'lane-b'))] as const
    fc.assert(fc.property(...values, (missionId, targetBranch, missionBranch, laneId) => {
      writeFileSync(join(dir, 'meta.json'), JSON.stringify({...meta, mission_id: missionId, target_branch: targetBranch}))
      writeFileSync(join(dir, 'lanes.json'), JSON.stringify({...lanes, lanes: [{...lanes.lanes[0], lane_id: laneId}], mission_branch: missionBranch}))
      for (const step of [
        () => abortMerge(sandbox.repo, resolveMission(sandbox.repo, slug), buildMergeContext(sandbox.repo, resolveMission(sandbox.repo, slug), {push: false, resume: false, strategy: 'squash'})),
        () => implementWorkPackage(sandbox.repo, resolveMission(sandbox.repo, slug), 'WP01', 'fuzz', false),
      ]) {
        try {
          step()
          counts.succeeded++
        } catch (error) {
          // A refusal is fine, and must be one the user can read: a CliError with a code.
          if (!(error instanceof CliError)) throw error
          counts.refused++
        }
      }

      expect(around()).to.equal(before)
      expect(existsSync(join(sandbox.repo, '.git', 'HEAD'))).to.equal(true)
    }), {numRuns: RUNS})
    expect(counts.refused, 'hostile values must be refused').to.be.greaterThan(RUNS / 2)
    expect(counts.succeeded, 'valid values must work, or the test proves nothing').to.be.greaterThan(0)
  })

  it(`ack frames from a hostile server: ${RUNS} random frames, only this batch's queued files ever leave`, async () => {
    const server = await new SyncTestServer().listen()
    const outbox = new Outbox(join(sandbox.dir, 'home', 'outbox'))
    const session = {
      access_expires_at: null, access_token: 'good-token', refresh_expires_at: null, refresh_token: null, server: server.url, team_slug: 'team-a', teams: ['team-a'], user: null,
    }
    const source = {
      build_id: 'unknown', git_branch: null, head_commit_sha: null, project_slug: null, project_uuid: '0b5f3a52-4c1e-4d7a-9a43-2f6d3c1b8e90', repo_slug: null, team_slug: 'team-a',
    }
    const stateBefore = () => fileTreeFingerprint(sandbox.repo) + around()
    try {
      const status = fc.constantFrom('success', 'accepted', 'duplicate', 'rejected', 'pending', 42, null)
      await fc.assert(fc.asyncProperty(fc.array(fc.record({event_id: hostileValue(sandbox.dir), reason: fc.oneof(fc.string(), fc.jsonValue()), status}), {maxLength: 8}), fc.boolean(), async (frames, includeReal) => {
        outbox.append(buildEnvelopes([1, 2, 3].map(n => ({
          aggregateId: `WP0${n}`, aggregateType: 'WorkPackage' as const, causationId: null, eventType: 'WPStatusChanged' as const, occurredAt: new Date().toISOString(), payload: {n}, projectRoot: sandbox.repo,
        })), source))
        const queuedBefore = new Set(outbox.ids())
        const before = stateBefore()
        server.ackOverride = events => [...frames, ...(includeReal ? [{event_id: events[0].event_id, status: 'success'}] : [])]
        try {
          await drainOutbox(outbox, session, AbortSignal.timeout(10_000))
        } catch (error) {
          if (!(error instanceof SyncFailure)) throw error
        }

        expect(stateBefore()).to.equal(before)
        for (const id of outbox.ids()) expect(queuedBefore.has(id), `${id} appeared in the outbox`).to.equal(true)
        // Rejection records and set-aside events are named by the ids of this outbox's events only.
        for (const name of readdirSync(outbox.dir)) expect(name).to.match(/^([0-9A-HJKMNP-TV-Z]{26}\.(json|rejections)|set-aside)$/)
        const aside = join(outbox.dir, 'set-aside')
        for (const name of existsSync(aside) ? readdirSync(aside) : []) expect(name).to.match(/^[0-9A-HJKMNP-TV-Z]{26}\.(json|reason)$/)
      }), {numRuns: RUNS})
    } finally {
      await server.close()
    }
  })
})
