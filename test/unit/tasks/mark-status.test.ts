import {expect} from 'chai'

import {CliError} from '../../../src/core/output/cli-error.js'
import {planMarkStatus} from '../../../src/core/tasks/mark-status.js'
import {TaskDocument} from '../../../src/core/tasks/task-document.js'
import {TaskReferenceRegistry} from '../../../src/core/tasks/task-reference-registry.js'
import {builtInRegistry} from '../../support/registry.js'

let registry: TaskReferenceRegistry
before(async () => {
  registry = await builtInRegistry()
})

function mark(text: string, ids: string[], status: 'done' | 'pending' = 'done', prompt: Record<string, string[]> = {}) {
  const plan = planMarkStatus({
    doc: new TaskDocument(text, new Map(Object.entries(prompt))), ids, laneOf: () => 'in_progress', missionSlug: 'demo-01J9ZK3M', registry, status,
  })
  return {outcomes: plan.results.map(r => `${r.id}:${r.outcome}:${r.format}`), plan, text: plan.doc.text()}
}

describe('mark-status resolution', () => {
  describe('checkbox rows (upstream format 1, unchanged output)', () => {
    it('flips - [ ] to - [x] exactly as upstream, and back', () => {
      const done = mark('- [ ] T001 Schema\n', ['T001'])
      expect(done.text).to.equal('- [x] T001 Schema\n')
      expect(done.outcomes).to.deep.equal(['T001:updated:checkbox'])
      expect(mark(done.text, ['T001'], 'pending').text).to.equal('- [ ] T001 Schema\n')
    })

    it('accepts [X], indentation, *, numbered items, bold ids and T001:', () => {
      const text = '  - [X] T001 a\n* [ ] **T002**: b\n1. [ ] T003: c\n'
      expect(mark(text, ['T001', 'T002', 'T003']).outcomes).to.deep.equal(['T001:already_satisfied:checkbox', 'T002:updated:checkbox', 'T003:updated:checkbox'])
      expect(mark(text, ['T001'], 'pending').text).to.equal('  - [ ] T001 a\n* [ ] **T002**: b\n1. [ ] T003: c\n')
    })

    it('never touches T0012 or T001b when marking T001, and ignores fenced code', () => {
      const text = '- [ ] T0012 x\n- [ ] T001b y\n```\n- [ ] T001 in a fence\n```\n'
      const result = mark(text, ['T001'])
      expect(result.outcomes).to.deep.equal(['T001:not_found:null'])
      expect(result.text).to.equal(text)
      expect(mark(text, ['t001B']).outcomes).to.deep.equal(['T001b:updated:checkbox'])
    })

    it('keeps CRLF line endings', () => {
      expect(mark('- [ ] T001 a\r\n- [ ] T002 b\r\n', ['T002']).text).to.equal('- [ ] T001 a\r\n- [x] T002 b\r\n')
    })
  })

  describe('pipe tables (upstream format 2)', () => {
    const table = '| ID | Description | WP | Parallel |\n|----|----|----|----|\n| T001 | Schema | WP01 | [P] |\n'

    it('appends a [D] cell like upstream, and removes it again on pending', () => {
      const done = mark(table, ['T001'])
      expect(done.text).to.equal(table.replace('| [P] |\n', '| [P] | [D] |\n'))
      expect(done.outcomes).to.deep.equal(['T001:updated:pipe_table'])
      expect(mark(done.text, ['T001']).outcomes).to.deep.equal(['T001:already_satisfied:pipe_table'])
      expect(mark(done.text, ['T001'], 'pending').text).to.equal(table)
    })

    it('never appends a second status cell (upstream repeated [D])', () => {
      const twice = table.replace('| [P] |\n', '| [P] | [D] | [D] |\n')
      expect(mark(twice, ['T001']).outcomes).to.deep.equal(['T001:already_satisfied:pipe_table'])
      expect(mark(twice, ['T001'], 'pending').text).to.equal(table)
    })

    it('writes a Status column cell when the header has one', () => {
      const text = '| ID | Status | Title |\n|---|---|---|\n| T001 | [ ] | a |\n'
      expect(mark(text, ['T001']).text).to.equal('| ID | Status | Title |\n|---|---|---|\n| T001 | [D] | a |\n')
    })

    it('matches the ID column only: traceability tables are not task rows', () => {
      const text = '| FR | Owning WP | Subtask(s) |\n|---|---|---|\n| FR-005 | WP02 | T009 |\n'
      expect(mark(text, ['T009']).outcomes).to.deep.equal(['T009:not_found:null'])
    })
  })

  describe('Subtasks: lines (D3, D4)', () => {
    it('materializes a checkbox row right below the line, and pending removes it again', () => {
      const text = '## WP01\n**Subtasks**: T014, T015\n\nNext\n'
      const done = mark(text, ['T015', 'T014'])
      expect(done.text).to.equal('## WP01\n**Subtasks**: T014, T015\n- [x] T015\n- [x] T014\n\nNext\n')
      expect(done.outcomes).to.deep.equal(['T015:updated:inline_subtasks', 'T014:updated:inline_subtasks'])
      const again = mark(done.text, ['T015'])
      expect(again.outcomes).to.deep.equal(['T015:already_satisfied:checkbox'])
      expect(mark(done.text, ['T015', 'T014'], 'pending').text).to.equal(text)
    })

    it('reports pending on an id with no row as already satisfied and inserts nothing', () => {
      const text = 'Subtasks: T001, T002\n'
      const result = mark(text, ['T002'], 'pending')
      expect(result.outcomes).to.deep.equal(['T002:already_satisfied:inline_subtasks'])
      expect(result.text).to.equal(text)
    })

    it('reads **Subtasks:**, ranges with - and –, and lists continued on bullet lines', () => {
      expect(mark('**Subtasks:** T001-T003\n', ['T002']).outcomes).to.deep.equal(['T002:updated:inline_subtasks'])
      expect(mark('- Subtasks: T010–T012\n', ['T012']).outcomes).to.deep.equal(['T012:updated:inline_subtasks'])
      const continued = mark('**Subtasks**:\n- T001 Do X\n- T002 Do Y\n\nafter\n', ['T002'])
      expect(continued.outcomes).to.deep.equal(['T002:updated:inline_subtasks'])
      expect(continued.text).to.equal('**Subtasks**:\n- T001 Do X\n- T002 Do Y\n- [x] T002\n\nafter\n')
    })

    it('adds a newline when the list is the last line of a file without one', () => {
      expect(mark('Subtasks: T001', ['T001']).text).to.equal('Subtasks: T001\n- [x] T001')
    })
  })

  describe('every representation (D2)', () => {
    it('updates the checkbox row and leaves an index-table row without a status cell alone, as the Python CLI does', () => {
      const text = '| ID | Description | WP | Parallel |\n|---|---|---|---|\n| T001 | a | WP01 | |\n\n## WP01\n- [ ] T001 a\n'
      const result = mark(text, ['T001'])
      expect(result.outcomes).to.deep.equal(['T001:updated:checkbox'])
      expect(result.text).to.equal('| ID | Description | WP | Parallel |\n|---|---|---|---|\n| T001 | a | WP01 | |\n\n## WP01\n- [x] T001 a\n')
    })

    it('gives an id that only an index table holds a trailing [D] cell, and pending takes it away again', () => {
      const text = '| ID | Description | WP |\n|---|---|---|\n| T002 | b | WP01 |\n'
      const done = mark(text, ['T002'])
      expect(done.outcomes).to.deep.equal(['T002:updated:pipe_table'])
      expect(done.text).to.equal('| ID | Description | WP |\n|---|---|---|\n| T002 | b | WP01 | [D] |\n')
      expect(mark(done.text, ['T002']).outcomes).to.deep.equal(['T002:already_satisfied:pipe_table'])
      expect(mark(done.text, ['T002'], 'pending').text).to.equal(text)
    })
  })

  describe('plain list items', () => {
    it('turns "- T001 [WP01] …" into a checkbox row in place', () => {
      const result = mark('- T001 [WP01] Add x\n- T002 — Rewrite y\n', ['T002'])
      expect(result.outcomes).to.deep.equal(['T002:updated:bullet_item'])
      expect(result.text).to.equal('- T001 [WP01] Add x\n- [x] T002 — Rewrite y\n')
    })
  })

  describe('work-package ids (D1)', () => {
    const text = '| ID | Description | WP | Parallel |\n|---|---|---|---|\n| T005 | t | WP02 | |\n\n## Work Package WP02: Docs\n- [x] T003 a\n**Subtasks**: T004\n\n## Work Package 03\n- [ ] T009 z\n'

    it('marks every subtask the WP owns (section rows, Subtasks line, table rows, prompt file)', () => {
      const result = mark(text, ['WP02'], 'done', {WP02: ['T003', 'T006']})
      expect(result.outcomes).to.deep.equal(['WP02:updated:wp_id'])
      expect(result.text).to.contain('| T005 | t | WP02 | | [D] |')
      expect(result.text).to.contain('**Subtasks**: T004\n- [x] T004\n')
      expect(result.text).to.contain('- [ ] T009 z')
      const {message} = result.plan.results[0]
      expect(message).to.contain('T004').and.contain('T005').and.contain('Not in tasks.md: T006').and.contain('stays in lane in_progress').and.contain('move-task WP02')
    })

    it('is already_satisfied when all its subtasks are done, and not_found when the WP does not exist', () => {
      const once = mark(text, ['WP02']).text
      expect(mark(once, ['WP02', 'WP07']).outcomes).to.deep.equal(['WP02:already_satisfied:wp_id', 'WP07:not_found:null'])
    })

    it('finds "## Work Package 03" headings without the WP prefix (upstream missed them)', () => {
      expect(mark(text, ['wp03']).outcomes).to.deep.equal(['WP03:updated:wp_id'])
    })
  })

  describe('ids as typed', () => {
    it('accepts <mission>/T001 and <mission>:WP02, echoes the canonical id, and rejects garbage per id', () => {
      const result = mark('## WP02\n- [ ] T001 a\n', ['demo-01J9ZK3M/T001', 'demo:WP02', '../T001', 'T999'])
      expect(result.outcomes).to.deep.equal(['T001:updated:checkbox', 'WP02:already_satisfied:wp_id', '../T001:not_found:null', 'T999:not_found:null'])
      expect(result.plan.summary).to.deep.equal({already_satisfied: 1, not_found: 2, updated: 1})
    })
  })
})

describe('the work package that owns a subtask', () => {
  it('is found by whole ids: T001 belongs to the WP of its own row, not to the WP of a T0012 line', () => {
    const doc = new TaskDocument('# Tasks\n\n## Work Package WP01: A\n\n- [ ] T0012 first\n\n## Work Package WP02: B\n\n- [ ] T001 second\n', new Map([['WP03', ['T077']]]))
    expect(registry.ownerOf(doc, 'T001')).to.equal('WP02')
    expect(registry.ownerOf(doc, 'T0012')).to.equal('WP01')
    expect(registry.ownerOf(doc, 'T077'), 'listed only in a prompt file').to.equal('WP03')
    expect(registry.ownerOf(doc, 'T999')).to.equal(undefined)
  })
})

describe('contributions of third-party parsers', () => {
  it('a parser without an idPattern is refused naming its plugin, not a crash inside the core', () => {
    const broken = {
      ...registry.parsers[0], idPattern: undefined as unknown as RegExp, name: 'broken_format', plugin: 'spec-kitty-plugin-broken',
    }
    expect(() => new TaskReferenceRegistry([...registry.parsers, broken])).to.throw(CliError, /Plugin spec-kitty-plugin-broken contributes a task-reference parser "broken_format" without idPattern/)
  })

  it('a plugin that expands WP ids adds its subtasks to the built-in expansion, never replaces it', async () => {
    // A plugin format whose WP ids also own "review" subtasks kept elsewhere (here: always R01).
    const reviews = {
      apply: () => null, expand: (_doc: unknown, id: string) => (id === 'WP01' ? ['R01'] : undefined), find: () => [], idPattern: /^WP\d{2,}$/, name: 'review_items', precedence: 5,
    }
    const withPlugin = await builtInRegistry([reviews])
    const doc = new TaskDocument('# Tasks\n\n## Work Package WP01: A\n- [ ] T001 a\n- [x] T002 b\n', new Map())
    expect(withPlugin.subtasksOf(doc, 'WP01')).to.deep.equal(['R01', 'T001', 'T002'])
    expect(registry.subtasksOf(doc, 'WP01')).to.deep.equal(['T001', 'T002'])
    expect(withPlugin.subtasksOf(doc, 'WP09'), 'a WP nobody knows').to.equal(undefined)
  })
})

const laneHint = (wp: string, lane = 'in_progress') => `${wp} stays in lane ${lane}; mark-status never moves lanes: spec-kitty agent tasks move-task ${wp} --to <lane> --mission demo-01J9ZK3M`
const said = (result: ReturnType<typeof mark>) => result.plan.results.map(r => [r.outcome, r.format, r.message])

describe('mark-status messages and the order edits land in', () => {
  it('names the outcome and the format of each subtask id; a repeated id sees its own earlier edit', () => {
    expect(said(mark('- [ ] T001 a\n', ['T001', 'T001']))).to.deep.equal([
      ['updated', 'checkbox', 'Marked T001 as done (checkbox).'],
      ['already_satisfied', 'checkbox', 'T001 is already done (checkbox).'],
    ])
    expect(said(mark('- [ ] T001 a\n', ['T009']))).to.deep.equal([['not_found', null, 'T009 was not found in tasks.md; formats tried: checkbox, pipe_table, inline_subtasks, bullet_item.']])
    expect(said(mark('- [ ] T001 a\n', ['ABC-1']))).to.deep.equal([['not_found', null, 'No installed task format reads ids like ABC-1 (installed: checkbox, pipe_table, inline_subtasks, bullet_item, wp_id).']])
  })

  it('says when a reference-only id got a row, or needed none', () => {
    const text = '## WP02\n\n**Subtasks**: T020\n'
    expect(said(mark(text, ['T020']))).to.deep.equal([['updated', 'inline_subtasks', 'Marked T020 as done: added a checkbox row below its inline_subtasks reference.']])
    expect(said(mark(text, ['T020'], 'pending'))).to.deep.equal([['already_satisfied', 'inline_subtasks', 'T020 has no status row, only a reference (inline_subtasks), so it is already pending.']])
  })

  it('applies an inserted row before the edits that follow it, in either order of the ids', () => {
    const text = '## WP02\n\n**Subtasks**: T020\n- [ ] T021 x\n'
    const expected = '## WP02\n\n**Subtasks**: T020\n- [x] T021 x\n- [x] T020\n'
    expect(mark(text, ['T020', 'T021']).text).to.equal(expected)
    expect(mark(text, ['T021', 'T020']).text).to.equal(expected)
    expect(mark(text, ['T021', 'T020', 'T021']).outcomes).to.deep.equal(['T021:updated:checkbox', 'T020:updated:inline_subtasks', 'T021:already_satisfied:checkbox'])
  })

  it('sums up a bare WP id: what changed, what was already so, what tasks.md lacks, and the lane it stays in', () => {
    expect(said(mark('## WP01\n\n- [ ] T001 a\n- [ ] T002 b\n', ['WP01'], 'done', {WP01: ['T001', 'T002', 'T003']}))).to.deep.equal([
      ['updated', 'wp_id', `Marked 2 of 3 subtasks of WP01 as done: T001, T002. Not in tasks.md: T003. ${laneHint('WP01')}`],
    ])
    expect(said(mark('## WP01\n\n- [x] T001 a\n', ['WP01']))).to.deep.equal([['already_satisfied', 'wp_id', `All 1 recorded subtasks of WP01 are already done. ${laneHint('WP01')}`]])
    expect(said(mark('## WP01\n\nnothing\n', ['WP01'], 'done', {WP01: ['T005']}))).to.deep.equal([
      ['not_found', null, `WP01 owns T005, but tasks.md has no row or reference for them. ${laneHint('WP01')}`],
    ])
    expect(said(mark('## WP01\n\n- [ ] T001 a\n', ['WP07']))).to.deep.equal([['not_found', null, 'WP07 is not a work package of this mission (no section in tasks.md and no prompt file).']])
    const noLane = planMarkStatus({
      doc: new TaskDocument('## WP01\n\nnothing\n', new Map()), ids: ['WP01'], laneOf() {}, missionSlug: 'demo-01J9ZK3M', registry, status: 'done',
    })
    expect(noLane.results.map(r => [r.outcome, r.format, r.message])).to.deep.equal([['not_found', null, `WP01 owns no subtasks. ${laneHint('WP01', 'genesis')}`]])
    expect(noLane.summary).to.deep.equal({already_satisfied: 0, not_found: 1, updated: 0})
  })
})
