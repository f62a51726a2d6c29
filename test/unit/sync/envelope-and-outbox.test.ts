import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {LifecycleEvent} from '../../../src/api/index.js'

import '../../support/plugin-runtime.js'
import {buildEnvelopes} from '../../../plugins/plugin-sync/src/envelope.js'
import {Outbox} from '../../../plugins/plugin-sync/src/outbox.js'
import {SyncFailure} from '../../../plugins/plugin-sync/src/sync-diagnostic.js'
import {syncFlagOn} from '../../../plugins/plugin-sync/src/sync-gate.js'
import {socketUrl} from '../../../plugins/plugin-sync/src/transport.js'
import {REPO_ROOT} from '../../support/sandbox.js'
import {assertSchema} from '../../support/schemas.js'

const laneChange: LifecycleEvent = {
  aggregateId: 'WP01',
  aggregateType: 'WorkPackage',
  causationId: '01J9ZK3M0000000000000000AA',
  eventType: 'WPStatusChanged',
  occurredAt: '2026-11-24T10:00:00.123456+00:00',
  payload: {
    actor: 'claude', force: false, from_lane: 'planned', mission_slug: 'demo-01J9ZK3M', to_lane: 'claimed', wp_id: 'WP01',
  },
  projectRoot: '/nonexistent',
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
    const [first] = buildEnvelopes([laneChange], env)
    assertSchema('event-envelope', first)
    expect(first).to.include({
      causation_id: laneChange.causationId, correlation_id: laneChange.causationId, lamport_clock: 1, timestamp: laneChange.occurredAt,
    })
    const [a, b] = buildEnvelopes([laneChange, laneChange], env)
    expect([a.lamport_clock, b.lamport_clock]).to.deep.equal([2, 3])
    expect(JSON.parse(readFileSync(join(state, 'clock.json'), 'utf8'))).to.include({value: 3})
  })

  it('gives the envelopes of one local event one id, derived from it, and different events different ids', () => {
    const [a, b] = buildEnvelopes([laneChange, laneChange], env)
    const [other] = buildEnvelopes([{...laneChange, causationId: '01J9ZK3M0000000000000000AB'}], env)
    const [uncaused, uncausedToo] = buildEnvelopes([{...laneChange, causationId: null}, {...laneChange, causationId: null}], env)
    expect(a.event_id).to.equal(b.event_id)
    expect(a.event_id).to.match(/^01J9ZK3M00[0-9A-HJKMNP-TV-Z]{16}$/) // the local event's time part
    expect(a.event_id).not.to.equal(laneChange.causationId)
    expect(other.event_id).not.to.equal(a.event_id)
    expect(uncaused.event_id).not.to.equal(uncausedToo.event_id)
  })

  it('uses the event id as correlation id when nothing caused the event', () => {
    const [envelope] = buildEnvelopes([{...laneChange, causationId: null}], env)
    expect(envelope.correlation_id).to.equal(envelope.event_id)
  })

  it('the schema rejects the drift a careless change would bring', () => {
    const [envelope] = buildEnvelopes([laneChange], env)
    const withoutId: Partial<typeof envelope> = {...envelope}
    delete withoutId.event_id
    expect(() => assertSchema('event-envelope', withoutId)).to.throw(/event_id/)
    expect(() => assertSchema('event-envelope', {...envelope, schema_version: '999.0.0'})).to.throw(/schema_version/)
    expect(() => assertSchema('event-envelope', {...envelope, payload: {...envelope.payload, to_lane: 'doing'}})).to.throw(/to_lane|allowed values/)
    expect(() => assertSchema('event-envelope', {...envelope, extra: 1})).to.throw(/additional/)
  })
})

describe('plugin-sync gate and transport rules', () => {
  it('turns sync on only for 1/true/yes/on, trimmed, any case', () => {
    for (const value of ['1', 'true', ' YES ', 'On']) expect(syncFlagOn({SPEC_KITTY_ENABLE_SAAS_SYNC: value}), value).to.equal(true)
    for (const value of [undefined, '', '0', 'false', 'no', 'off', 'enabled']) expect(syncFlagOn({SPEC_KITTY_ENABLE_SAAS_SYNC: value}), String(value)).to.equal(false)
  })

  it('requires wss except for loopback hosts', () => {
    expect(socketUrl('https://sync.example.com').href).to.equal('wss://sync.example.com/sync')
    expect(socketUrl('http://127.0.0.1:9400').href).to.equal('ws://127.0.0.1:9400/sync')
    expect(socketUrl('http://localhost:9400').protocol).to.equal('ws:')
    expect(() => socketUrl('http://sync.example.com')).to.throw(SyncFailure, /unencrypted/)
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
      for (let i = 0; i < 50; i++) outbox.append(buildEnvelopes([event]))`
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
