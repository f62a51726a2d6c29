import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {LifecycleEvent} from '../../../src/api/index.js'

import '../../support/plugin-runtime.js'
import {invalidBatch} from '../../../plugins/plugin-sync/src/batch-transport.js'
import {buildEnvelopes} from '../../../plugins/plugin-sync/src/envelope.js'
import {type EventSource} from '../../../plugins/plugin-sync/src/envelope.js'
import {repoSlugOf} from '../../../plugins/plugin-sync/src/event-source.js'
import {advertisedLimits} from '../../../plugins/plugin-sync/src/ingest-limits.js'
import {groupedUserCode, validTokenAnswer} from '../../../plugins/plugin-sync/src/oauth.js'
import {Outbox} from '../../../plugins/plugin-sync/src/outbox.js'
import {insecureUrlProblem, socketUrl} from '../../../plugins/plugin-sync/src/server-url.js'
import {SyncFailure} from '../../../plugins/plugin-sync/src/sync-diagnostic.js'
import {syncFlagOn} from '../../../plugins/plugin-sync/src/sync-flag.js'
import {REPO_ROOT} from '../../support/sandbox.js'
import {assertSchema} from '../../support/schemas.js'

const laneChange: LifecycleEvent = {
  aggregateId: 'WP01',
  aggregateType: 'WorkPackage',
  causationId: '01J9ZK3M0000000000000000AA',
  eventType: 'WPStatusChanged',
  occurredAt: '2026-11-24T10:00:00.123456+00:00',
  payload: {
    actor: 'claude', feature_slug: 'demo-01J9ZK3M', from_lane: 'planned', to_lane: 'claimed', wp_id: 'WP01',
  },
  projectRoot: '/nonexistent',
}

const source: EventSource = {
  build_id: 'unknown', git_branch: 'main', head_commit_sha: 'a'.repeat(40), project_slug: 'demo', project_uuid: '0b5f3a52-4c1e-4d7a-9a43-2f6d3c1b8e90', repo_slug: 'acme/widgets', team_slug: 'team-a',
}

describe('plugin-sync envelopes', () => {
  let state: string
  let env: NodeJS.ProcessEnv

  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'spec-kitty-envelope-'))
    env = {SPEC_KITTY_STATE_DIR: state}
  })

  afterEach(() => rmSync(state, {force: true, recursive: true}))

  it('builds envelopes that match the schema, with a Lamport clock that survives the process', () => {
    const [first] = buildEnvelopes([laneChange], source, env)
    assertSchema('event-envelope', first)
    expect(first).to.include({
      causation_id: laneChange.causationId, correlation_id: laneChange.causationId, lamport_clock: 1, timestamp: laneChange.occurredAt,
    })
    const [a, b] = buildEnvelopes([laneChange, laneChange], source, env)
    expect([a.lamport_clock, b.lamport_clock]).to.deep.equal([2, 3])
    expect(JSON.parse(readFileSync(join(state, 'clock.json'), 'utf8'))).to.include({value: 3})
  })

  it('gives the envelopes of one local event one id, derived from it, and different events different ids', () => {
    const [a, b] = buildEnvelopes([laneChange, laneChange], source, env)
    const [other] = buildEnvelopes([{...laneChange, causationId: '01J9ZK3M0000000000000000AB'}], source, env)
    const [uncaused, uncausedToo] = buildEnvelopes([{...laneChange, causationId: null}, {...laneChange, causationId: null}], source, env)
    expect(a.event_id).to.equal(b.event_id)
    expect(a.event_id).to.match(/^01J9ZK3M00[0-9A-HJKMNP-TV-Z]{16}$/) // the local event's time part
    expect(a.event_id).not.to.equal(laneChange.causationId)
    expect(other.event_id).not.to.equal(a.event_id)
    expect(uncaused.event_id).not.to.equal(uncausedToo.event_id)
    // The assignment a claim also makes has a cause of its own kind: a distinct envelope.
    const [assigned] = buildEnvelopes([{...laneChange, eventType: 'WPAssigned', payload: {agent_id: 'claude', phase: 'implementation', wp_id: 'WP01'}}], source, env)
    expect(assigned.event_id).not.to.equal(a.event_id)
    expect(assigned.event_id.slice(0, 10)).to.equal(a.event_id.slice(0, 10))
  })

  it('uses the event id as correlation id when nothing caused the event', () => {
    const [envelope] = buildEnvelopes([{...laneChange, causationId: null}], source, env)
    expect(envelope.correlation_id).to.equal(envelope.event_id)
  })

  it('the schema rejects the drift a careless change would bring', () => {
    const [envelope] = buildEnvelopes([laneChange], source, env)
    const withoutId: Partial<typeof envelope> = {...envelope}
    delete withoutId.event_id
    expect(() => assertSchema('event-envelope', withoutId)).to.throw(/event_id/)
    expect(() => assertSchema('event-envelope', {...envelope, schema_version: '999.0.0'})).to.throw(/schema_version/)
    expect(() => assertSchema('event-envelope', {...envelope, payload: {...envelope.payload, to_lane: 'doing'}})).to.throw(/to_lane|allowed values/)
    expect(() => assertSchema('event-envelope', {...envelope, extra: 1})).to.throw(/additional/)
    expect(() => assertSchema('event-envelope', {...envelope, payload: {...envelope.payload, mission_slug: 'x'}})).to.throw(/additional/)
    expect(() => assertSchema('event-envelope', {...envelope, aggregate_type: 'Mission'})).to.throw(/aggregate_type|allowed values/)
    expect(() => assertSchema('event-envelope', {...envelope, project_uuid: ''})).to.throw(/project_uuid/)
    expect(() => assertSchema('event-envelope', {...envelope, head_commit_sha: 'abc'})).to.throw(/head_commit_sha/)
  })

  it('carries the project, team and git context of its source', () => {
    const [envelope] = buildEnvelopes([laneChange], source, env)
    expect(envelope).to.include({
      build_id: 'unknown', git_branch: 'main', head_commit_sha: source.head_commit_sha, project_slug: 'demo', project_uuid: source.project_uuid, repo_slug: 'acme/widgets', schema_version: '3.0.0', team_slug: 'team-a',
    })
  })
})

describe('plugin-sync gate and transport rules', () => {
  it('turns sync on only for 1/true/yes/on, trimmed, any case', () => {
    for (const value of ['1', 'true', ' YES ', 'On']) expect(syncFlagOn({SPEC_KITTY_ENABLE_SAAS_SYNC: value}), value).to.equal(true)
    for (const value of [undefined, '', '0', 'false', 'no', 'off', 'enabled']) expect(syncFlagOn({SPEC_KITTY_ENABLE_SAAS_SYNC: value}), String(value)).to.equal(false)
  })

  it('requires https (wss) except for loopback literals, and takes a socket URL only on those terms', () => {
    expect(insecureUrlProblem('https://sync.example.com')).to.equal(undefined)
    expect(insecureUrlProblem('http://127.0.0.1:9400')).to.equal(undefined)
    expect(insecureUrlProblem('http://[::1]:9400')).to.equal(undefined)
    expect(insecureUrlProblem('http://sync.example.com')).to.match(/unencrypted/)
    expect(insecureUrlProblem('http://127.evil.example')).to.match(/unencrypted/)
    expect(insecureUrlProblem('not a url')).to.match(/not a URL/)
    expect(socketUrl('https://sync.example.com/ws')?.href).to.equal('wss://sync.example.com/ws')
    expect(socketUrl('http://localhost:9400/ws')?.protocol).to.equal('ws:')
    expect(socketUrl('ws://sync.example.com/ws')).to.equal(undefined)
  })

  it('reads a 400 answer\'s details in all three shapes', () => {
    const list = invalidBatch({details: [{error: 'bad lane', event_id: 'A'}, {event_id: 'B', reason: 'no wp'}, {event_id: 'C'}], error: 'validation failed'})
    expect([...list.perEvent]).to.deep.equal([['A', 'bad lane'], ['B', 'no wp'], ['C', 'validation failed']])
    expect(list.whole).to.equal(undefined)
    const json = invalidBatch({details: JSON.stringify([{event_id: 'A', reason: 'bad'}]), error: 'validation failed'})
    expect([...json.perEvent]).to.deep.equal([['A', 'bad']])
    const plain = invalidBatch({details: 'cannot parse', error: 'invalid batch'})
    expect(plain.perEvent.size).to.equal(0)
    expect(plain.whole).to.equal('invalid batch: cannot parse')
    expect(invalidBatch(null).whole).to.equal('the batch was refused (HTTP 400)')
  })

  it('takes the refresh token\'s expiry from the server, and refuses token answers that would brick the session', () => {
    const now = Date.parse('2026-12-01T00:00:00Z')
    expect(validTokenAnswer({
      access_token: 'a', expires_in: 60, refresh_token: 'r', refresh_token_expires_in: 120,
    }, now)).to.deep.equal({
      access_expires_at: '2026-12-01T00:01:00.000Z', access_token: 'a', refresh_expires_at: '2026-12-01T00:02:00.000Z', refresh_token: 'r',
    })
    expect(validTokenAnswer({
      access_token: 'a', refresh_token: 'r', refresh_token_expires_at: '2027-01-01T00:00:00Z', refresh_token_expires_in: 5,
    }, now).refresh_expires_at).to.equal('2027-01-01T00:00:00.000Z')
    expect(validTokenAnswer({access_token: 'a'}, now)).to.include({access_expires_at: '2026-12-01T01:00:00.000Z', refresh_expires_at: null, refresh_token: null})
    for (const body of [{access_token: 'two words'}, {access_token: 'a', expires_in: 0}, {access_token: 'a', expires_in: 1e300}, {access_token: 'a', refresh_token: ['x']}, {access_token: 'a', refresh_token_expires_at: 'soon'}]) {
      expect(() => validTokenAnswer(body, now), JSON.stringify(body)).to.throw(SyncFailure, /token answer was refused/)
    }
  })

  it('honours advertised batch limits, never above the contract\'s own', () => {
    expect(advertisedLimits({sync_ingress: {limits: {max_events_per_batch: 50, max_request_bytes: 100_000}}})).to.deep.equal({maxBytes: 90_000, maxEvents: 50})
    expect(advertisedLimits({sync_ingress: {limits: {max_events_per_batch: 5000, max_request_bytes: 10_000_000}}})).to.deep.equal({maxBytes: 524_288, maxEvents: 1000})
    expect(advertisedLimits({})).to.deep.equal({maxBytes: 235_929, maxEvents: 1000})
    expect(advertisedLimits({sync_ingress: {limits: {max_events_per_batch: -1, max_request_bytes: '9'}}})).to.deep.equal({maxBytes: 235_929, maxEvents: 1000})
  })

  it('derives owner/repo from hosted remotes only', () => {
    expect(repoSlugOf('git@github.com:acme/widgets.git')).to.equal('acme/widgets')
    expect(repoSlugOf('https://github.com/acme/widgets.git\n')).to.equal('acme/widgets')
    expect(repoSlugOf('ssh://git@gitlab.com/group/sub/repo.git')).to.equal('group/sub/repo')
    for (const local of ['/srv/git/widgets.git', '../widgets', 'file:///srv/widgets.git', 'https://example.com/solo', '']) expect(repoSlugOf(local), local).to.equal(null)
  })

  it('shows a device code in groups of four', () => {
    expect(groupedUserCode('WDJBMJHT')).to.equal('WDJB-MJHT')
    expect(groupedUserCode('WDJB-MJHT')).to.equal('WDJB-MJHT')
  })
})

describe('plugin-sync outbox', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-outbox-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('keeps every event when 8 processes append 50 distinct events each at once', async function () {
    this.timeout(60_000)
    const script = `
      import './test/support/plugin-runtime.ts'
      import {Outbox} from './plugins/plugin-sync/src/outbox.ts'
      import {buildEnvelopes} from './plugins/plugin-sync/src/envelope.ts'
      const event = ${JSON.stringify({...laneChange, causationId: null})}
      const outbox = new Outbox(process.argv[1])
      for (let i = 0; i < 50; i++) outbox.append(buildEnvelopes([event], ${JSON.stringify(source)}))`
    const runs = Array.from({length: 8}, () => new Promise<number>(done => {
      const args = ['--import', 'tsx', '--input-type=module', '-e', script, join(dir, 'queue')]
      const child = spawn(process.execPath, args, {cwd: REPO_ROOT, env: {...process.env, SPEC_KITTY_STATE_DIR: join(dir, 'state')}, stdio: 'inherit'})
      child.on('close', code => done(code ?? -1))
    }))
    expect(await Promise.all(runs)).to.deep.equal(Array.from({length: 8}, () => 0))
    const outbox = new Outbox(join(dir, 'queue'))
    expect(outbox.ids()).to.have.length(400)
    expect(new Set(outbox.ids()).size).to.equal(400)
    expect(readdirSync(join(dir, 'queue')).filter(name => name.endsWith('.tmp'))).to.deep.equal([])
    for (const id of outbox.ids()) expect(outbox.read(id)?.event_id).to.equal(id)
  })

  it('lets one process drain at a time and takes over the lock of a dead one', () => {
    const outbox = new Outbox(dir)
    const release = outbox.tryDrainLock()
    expect(release).to.be.a('function')
    expect(outbox.tryDrainLock(), 'a second holder while the first is alive').to.equal(undefined)
    release!()
    writeFileSync(join(dir, 'drain.lock'), '999999999\n') // no such process
    const again = outbox.tryDrainLock()
    expect(again).to.be.a('function')
    expect(readFileSync(join(dir, 'drain.lock'), 'utf8')).to.match(new RegExp(`^pid=${process.pid} `))
    again!()
  })
})

describe('plugin-sync outbox rejections', () => {
  let dir: string
  let env: NodeJS.ProcessEnv

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-outbox-'))
    env = {SPEC_KITTY_STATE_DIR: join(dir, 'state')}
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('keeps a rejected event queued with its reason and count, and sets it aside at the fifth rejection', () => {
    const outbox = new Outbox(join(dir, 'queue'))
    const [event] = buildEnvelopes([{...laneChange, causationId: null}], source, env)
    outbox.append([event])
    for (let i = 1; i <= 4; i++) expect(outbox.noteRejection(event.event_id, `bad\nlane ${i}`)).to.equal(i)
    expect(outbox.ids()).to.deep.equal([event.event_id])
    expect(outbox.rejected()).to.deep.equal([{event_id: event.event_id, reason: 'bad lane 4', retry_count: 4}])
    expect(outbox.noteRejection(event.event_id, 'bad lane 5')).to.equal(5)
    expect(outbox.ids()).to.deep.equal([])
    expect(outbox.rejected()).to.deep.equal([])
    expect(outbox.setAsideEvents()).to.deep.equal([{event_id: event.event_id, reason: 'rejected 5 times; last reason: bad lane 5'}])
  })

  it('forgets the rejections of an event the server finally took', () => {
    const outbox = new Outbox(join(dir, 'queue'))
    const [event] = buildEnvelopes([{...laneChange, causationId: null}], source, env)
    outbox.append([event])
    outbox.noteRejection(event.event_id, 'try later')
    outbox.remove(event.event_id)
    expect(readdirSync(join(dir, 'queue'))).to.deep.equal([])
  })
})
