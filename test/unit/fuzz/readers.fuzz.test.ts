import {expect} from 'chai'
import fc from 'fast-check'
import {
  mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {TaskReferenceRegistry} from '../../../src/core/tasks/task-reference-registry.js'

import {readLanesManifest} from '../../../src/core/mission/lanes-manifest.js'
import {readMissionMeta} from '../../../src/core/mission/mission-meta.js'
import {CliError} from '../../../src/core/output/cli-error.js'
import {readEventLog} from '../../../src/core/status/event-log.js'
import {LANES} from '../../../src/core/status/lanes.js'
import {planMarkStatus} from '../../../src/core/tasks/mark-status.js'
import {loadMissionTasks} from '../../../src/core/tasks/tasks-file.js'
import {readWorkPackageFiles} from '../../../src/core/tasks/work-package-files.js'
import {fileTreeFingerprint} from '../../support/fingerprint.js'
import {builtInRegistry} from '../../support/registry.js'
import {CORPUS, corpusMissions} from '../../support/sandbox.js'

const RUNS = 500
const tried: Record<string, number> = {}

/**
 * Real mission files, to be cut short and damaged: what a crash or a bad merge leaves behind.
 * `name` is a file of the mission folder, or `prompt` for its first WP prompt file.
 */
function corpusSamples(name: string): string[] {
  const texts: string[] = []
  for (const mission of corpusMissions()) {
    const dir = join(CORPUS, mission)
    try {
      const file = name === 'prompt' ? join('tasks', readdirSync(join(dir, 'tasks')).find(f => f.startsWith('WP')) ?? '-') : name
      texts.push(readFileSync(join(dir, file), 'utf8'))
    } catch {
      // this mission has no such file
    }
  }

  expect(texts, `corpus samples of ${name}`).not.to.be.empty
  return texts
}

/** Random text, truncated real files, and real files with a byte replaced. */
function hostileText(samples: string[]): fc.Arbitrary<string> {
  const sample = fc.constantFrom(...samples)
  return fc.oneof(
    fc.string({maxLength: 300, unit: 'binary'}),
    fc.tuple(sample, fc.double({max: 1, min: 0, noNaN: true})).map(([text, at]) => text.slice(0, Math.floor(text.length * at))),
    fc.tuple(sample, fc.nat(), fc.string({maxLength: 3, minLength: 1, unit: 'binary'})).map(([text, at, junk]) => {
      const i = text.length === 0 ? 0 : at % text.length
      return text.slice(0, i) + junk + text.slice(i + 1)
    }),
    fc.json().map(String),
  )
}

/** Every [parent, key] pair of a parsed JSON document, depth first. */
function slots(value: unknown): Array<[Record<string, unknown> | unknown[], number | string]> {
  if (typeof value !== 'object' || value === null) return []
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return entries.flatMap(([key, child]) => [[value as Record<string, unknown>, key] as [Record<string, unknown>, string], ...slots(child)])
}

/** Valid JSON files with one value anywhere inside replaced by any other JSON value (wrong types, nulls). */
function damagedJson(samples: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.boolean(), fc.jsonValue({maxDepth: 2})).map(([text, pick, structural, replacement]) => {
    const document = JSON.parse(text) as unknown
    // Half the time hit a structural slot (an object or a list), which scalar slots would outnumber.
    const all = slots(document)
    const containers = all.filter(([parent, key]) => typeof (parent as Record<number | string, unknown>)[key] === 'object')
    const pool = structural && containers.length > 0 ? containers : all
    if (pool.length === 0) return JSON.stringify(replacement)
    const [parent, key] = pool[pick % pool.length];
    (parent as Record<number | string, unknown>)[key] = replacement
    return JSON.stringify(document)
  })
}

/**
 * Write `text` to `file` in a fresh mission folder and read it with `reader`: the reader returns, or
 * throws a CliError with one of `codes`; it never throws anything else and never writes.
 */
function readOrRefuse<T>(label: string, file: string, text: string, reader: (dir: string) => T, codes: string[]): T | undefined {
  tried[label] = (tried[label] ?? 0) + 1
  const dir = mkdtempSync(join(tmpdir(), 'spec-kitty-fuzz-'))
  try {
    mkdirSync(join(dir, 'tasks'))
    writeFileSync(join(dir, file), text)
    const before = fileTreeFingerprint(dir)
    let result: T | undefined
    try {
      result = reader(dir)
    } catch (error) {
      if (!(error instanceof CliError)) throw new Error(`${label}: uncaught ${(error as Error)?.name}: ${(error as Error)?.message} for ${JSON.stringify(text.slice(0, 200))}`)
      expect(codes, `${label}: ${error.code}`).to.include(error.code)
      expect(error.message.length, `${label}: an empty message`).to.be.greaterThan(0)
      expect(error.remediation.length, `${label}: no remediation`).to.be.greaterThan(0)
    }

    expect(fileTreeFingerprint(dir), `${label} wrote something`).to.equal(before)
    return result
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}

describe('fuzz: readers of mission files (fast-check)', function () {
  this.timeout(120_000)
  let registry: TaskReferenceRegistry

  before(async () => {
    registry = await builtInRegistry()
  })

  after(() => process.stderr.write(`      inputs tried: ${Object.entries(tried).map(([k, v]) => `${k} ${v}`).join(', ')}\n`))

  it('tasks.md: every parser resolves or reports not_found for any text; nothing throws', () => {
    const ids = fc.constantFrom('T001', 'T002', 'T010', 'T037b', 'WP01', 'WP02', 'TASK-12')
    fc.assert(fc.property(hostileText(corpusSamples('tasks.md')), fc.uniqueArray(ids, {maxLength: 3, minLength: 1}), fc.constantFrom('done', 'pending'), (text, picked, status) => {
      const tasks = readOrRefuse('tasks.md', 'tasks.md', text, dir => loadMissionTasks(dir), [])!
      const plan = planMarkStatus({
        doc: tasks.doc, ids: picked, laneOf() {}, missionSlug: 'm', registry, status: status as 'done' | 'pending',
      })
      expect(plan.results.map(result => result.id)).to.deep.equal(picked)
      // A plan only ever touches lines that mention one of the ids (a WP id: one of its subtasks).
      const mentionable = picked.flatMap(id => (/^WP\d+$/.test(id) ? [id, ...(registry.subtasksOf(tasks.doc, id) ?? [])] : [id]))
      const before = tasks.doc.lines
      const after = plan.doc.lines
      for (const line of [...before.filter(l => !after.includes(l)), ...after.filter(l => !before.includes(l))]) {
        expect(mentionable.some(id => line.includes(id)), `changed a line that names none of ${mentionable.join(', ')}: ${JSON.stringify(line)}`).to.equal(true)
      }
    }), {numRuns: RUNS})
  })

  it('WP prompt frontmatter: damaged YAML becomes frontmatterError, valid YAML reads back exactly', () => {
    fc.assert(fc.property(hostileText(corpusSamples('prompt')), text => {
      readOrRefuse('frontmatter', 'tasks/WP01-fuzz.md', text, dir => readWorkPackageFiles(dir), [])
    }), {numRuns: RUNS})
    const subtask = fc.tuple(fc.integer({max: 999, min: 1}), fc.constantFrom('', 'b')).map(([n, s]) => `T${String(n).padStart(3, '0')}${s}`)
    fc.assert(fc.property(fc.uniqueArray(subtask, {maxLength: 6}), fc.string({maxLength: 40}), (subtasks, title) => {
      const text = `---\nwork_package_id: WP07\ntitle: ${JSON.stringify(title)}\nsubtasks: ${JSON.stringify(subtasks)}\n---\n# body\n`
      const files = readOrRefuse('frontmatter', 'tasks/WP07-fuzz.md', text, dir => readWorkPackageFiles(dir), [])!
      const file = files.get('WP07')!
      expect(file.frontmatterError).to.equal(undefined)
      expect(file.subtasks).to.deep.equal(subtasks)
      expect(file.title).to.equal(title)
    }), {numRuns: RUNS})
  })

  it('status.events.jsonl: damaged logs are malformed_event_log with the line; valid logs read back in order', () => {
    // Damage one event of a real log (wrong types, missing values), or the log as text.
    const logs = corpusSamples('status.events.jsonl')
    const events = logs.flatMap(log => log.split('\n').filter(line => line.startsWith('{')))
    const damagedLog = fc.tuple(fc.constantFrom(...logs), damagedJson(events)).map(([log, line]) => `${log}${line}\n`)
    fc.assert(fc.property(fc.oneof(hostileText(logs), damagedLog), text => {
      readOrRefuse('event log', 'status.events.jsonl', text, dir => readEventLog(dir), ['malformed_event_log'])
    }), {numRuns: RUNS})
    const event = fc.record({
      at: fc.constant('2026-01-01T00:00:00+00:00'),
      event_id: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      from_lane: fc.constantFrom(...LANES),
      to_lane: fc.constantFrom(...LANES),
      wp_id: fc.stringMatching(/^WP\d{2}$/),
    })
    fc.assert(fc.property(fc.array(event, {maxLength: 20}), events => {
      const text = events.map(e => JSON.stringify(e) + '\n').join('')
      const records = readOrRefuse('event log', 'status.events.jsonl', text, dir => readEventLog(dir), [])!
      expect(records.map(r => [r.eventId, r.wpId, r.toLane])).to.deep.equal(events.map(e => [e.event_id, e.wp_id, e.to_lane]))
    }), {numRuns: RUNS})
  })

  it('lanes.json: anything else than a valid manifest is invalid_lanes_manifest; a valid one reads back equal', () => {
    const samples = corpusSamples('lanes.json')
    fc.assert(fc.property(fc.oneof(hostileText(samples), damagedJson(samples)), text => {
      readOrRefuse('lanes.json', 'lanes.json', text, dir => readLanesManifest(dir), ['invalid_lanes_manifest'])
    }), {numRuns: RUNS})
    const lane = fc.record({lane_id: fc.stringMatching(/^lane-[a-z]$/), wp_ids: fc.array(fc.stringMatching(/^WP\d{2}$/), {maxLength: 4})})
    fc.assert(fc.property(fc.record({lanes: fc.array(lane, {maxLength: 5}), mission_branch: fc.stringMatching(/^kitty\/mission-[a-z]{1,8}$/)}), manifest => {
      expect(readOrRefuse('lanes.json', 'lanes.json', JSON.stringify(manifest), dir => readLanesManifest(dir), [])).to.deep.equal(manifest)
    }), {numRuns: RUNS})
  })

  it('meta.json: anything but a JSON object is invalid_meta; an object reads back equal', () => {
    const samples = corpusSamples('meta.json')
    fc.assert(fc.property(fc.oneof(hostileText(samples), damagedJson(samples)), text => {
      readOrRefuse('meta.json', 'meta.json', text, dir => readMissionMeta(dir), ['invalid_meta'])
    }), {numRuns: RUNS})
    fc.assert(fc.property(fc.dictionary(fc.string({maxLength: 12}), fc.jsonValue({maxDepth: 2})), meta => {
      // JSON round trip first: -0 and friends are not what a file can hold.
      // eslint-disable-next-line unicorn/prefer-structured-clone -- the point is JSON's normalization, not a clone
      const expected = JSON.parse(JSON.stringify(meta))
      expect(readOrRefuse('meta.json', 'meta.json', JSON.stringify(meta), dir => readMissionMeta(dir), [])).to.deep.equal(expected)
    }), {numRuns: RUNS})
  })
})
