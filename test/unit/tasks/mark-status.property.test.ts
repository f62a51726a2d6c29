import {expect} from 'chai'
import fc from 'fast-check'

import type {TaskReferenceRegistry} from '../../../src/core/tasks/task-reference-registry.js'

import {planMarkStatus} from '../../../src/core/tasks/mark-status.js'
import {TaskDocument} from '../../../src/core/tasks/task-document.js'
import {builtInRegistry} from '../../support/registry.js'

// Ids chosen to collide: T001 must never touch T0012 or T001b.
const IDS = ['T001', 'T0012', 'T001b', 'T002', 'T010']
const id = fc.constantFrom(...IDS)
const words = fc.constantFrom('Schema', 'API', 'docs', 'Wire it', 'T001-style note')

/** Blocks in every built-in format, all starting pending (what a fresh tasks.md holds). */
const block = fc.oneof(
  fc.tuple(fc.constantFrom('- ', '  - ', '* ', '1. '), id, fc.constantFrom('', '**'), fc.constantFrom(' ', ': '), words).map(([bullet, i, bold, sep, w]) => `${bullet}[ ] ${bold}${i}${bold}${sep}${w}`),
  fc.array(fc.tuple(id, words, fc.constantFrom('WP01', 'WP02'), fc.constantFrom('[P]', '')), {maxLength: 4, minLength: 1}).map(rows => ['| ID | Description | WP | Parallel |', '|----|----|----|----|', ...rows.map(([i, w, wp, p]) => `| ${i} | ${w} | ${wp} | ${p} |`)].join('\n') + '\n'),
  fc.tuple(fc.constantFrom('Subtasks: ', '**Subtasks**: ', '**Subtasks:** ', '- Subtasks: '), fc.uniqueArray(id, {maxLength: 3, minLength: 1})).map(([prefix, ids]) => prefix + ids.join(', ')),
  fc.tuple(fc.constantFrom('## WP01', '### WP02: Docs', '## Work Package 03'), words).map(([h, w]) => `${h} ${w}`),
  id.map(i => '```\n- [ ] ' + i + ' fenced\n```'),
  words,
  fc.constant(''),
)
const documents = fc.tuple(fc.array(block, {maxLength: 12}), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([blocks, nl, trailing]) => {
  const text = blocks.join('\n').replaceAll('\n', nl)
  return trailing ? text + nl : text
})

let registry: TaskReferenceRegistry
before(async () => {
  registry = await builtInRegistry()
})

const mark = (text: string, ids: string[], status: 'done' | 'pending') =>
  planMarkStatus({
    doc: new TaskDocument(text), ids, laneOf() {}, missionSlug: 'm', registry, status,
  })

const mentions = (line: string, i: string): boolean => new RegExp(`(?<![A-Za-z0-9])${i}(?![A-Za-z0-9])`, 'i').test(line)

describe('mark-status properties', () => {
  it('marking then unmarking an id restores the original text byte for byte', () => {
    fc.assert(
      fc.property(documents, id, (text, target) => {
        const done = mark(text, [target], 'done')
        const restored = mark(done.doc.text(), [target], 'pending')
        expect(restored.doc.text()).to.equal(text)
      }),
      {numRuns: 400},
    )
  })

  it('never changes a line that does not mention the marked id', () => {
    fc.assert(
      fc.property(documents, id, fc.constantFrom('done', 'pending') as fc.Arbitrary<'done' | 'pending'>, (text, target, status) => {
        const before = new TaskDocument(text).lines
        const after = mark(text, [target], status).doc.lines
        const removed = before.filter(line => !after.includes(line))
        const added = after.filter(line => !before.includes(line))
        for (const line of [...removed, ...added]) expect(mentions(line, target), line).to.equal(true)
      }),
      {numRuns: 400},
    )
  })

  it('reports one result per id, in order, and a summary that adds up', () => {
    fc.assert(
      fc.property(documents, fc.array(fc.constantFrom(...IDS, 'WP01', 'WP09', 'bogus!'), {maxLength: 6}), (text, ids) => {
        const plan = mark(text, ids, 'done')
        // The ids as given, in the order given (the canonical spellings are already used here).
        expect(plan.results.map(result => result.id)).to.deep.equal(ids)
        const {already_satisfied: a, not_found: n, updated: u} = plan.summary
        expect(a + n + u).to.equal(ids.length)
        expect(u).to.equal(plan.results.filter(result => result.outcome === 'updated').length)
      }),
      {numRuns: 200},
    )
  })

  it('marking twice gives already_satisfied the second time and the same text', () => {
    fc.assert(
      fc.property(documents, id, (text, target) => {
        const once = mark(text, [target], 'done')
        const twice = mark(once.doc.text(), [target], 'done')
        expect(twice.doc.text()).to.equal(once.doc.text())
        if (once.results[0].outcome !== 'not_found') expect(twice.results[0].outcome).to.equal('already_satisfied')
      }),
      {numRuns: 300},
    )
  })
})
