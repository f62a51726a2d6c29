import {expect} from 'chai'
import {join} from 'node:path'

import {createMission, readText} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

describe('agent tasks mark-status through the CLI', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let slug: string
  let dir: string
  let tasksPath: string

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
    const mission = createMission(sandbox)
    slug = mission.slug
    dir = mission.dir
    tasksPath = join(mission.dir, 'tasks.md')
  })

  afterEach(() => sandbox.cleanup())

  const markJson = (...args: string[]) => sandbox.cli(['agent', 'tasks', 'mark-status', ...args, '--mission', slug, '--json'])

  it('returns one schema-valid result per id in order (mixed outcomes, exit 0) and writes once', () => {
    const result = markJson('T001', 'WP02', `${slug}/T002`, 'T999', '--status', 'done', '--no-auto-commit')
    expect(result.code).to.equal(0)
    expect(result.stderr).to.equal('')
    const doc = parseJson(result.stdout)
    assertSchema('mark-status-result', doc)
    const results = doc.results as Array<{format: null | string; id: string; outcome: string}>
    expect(results.map(r => [r.id, r.outcome, r.format])).to.deep.equal([
      ['T001', 'updated', 'checkbox'],
      ['WP02', 'updated', 'wp_id'],
      ['T002', 'updated', 'checkbox'],
      ['T999', 'not_found', null],
    ])
    expect(doc.summary).to.deep.equal({already_satisfied: 0, not_found: 1, updated: 3})
    const text = readText(tasksPath)
    // The index table has no status cell: its row is left as it is (T001's checkbox carries the tick).
    expect(text).to.contain('- [x] T001 Schema').and.contain('| T001 | Schema | WP01 | [P] |\n').and.contain('**Subtasks**: T003, T004\n- [x] T004\n')
    // mark-status never moves lanes
    expect(JSON.parse(readText(join(dir, 'status.json'))).work_packages.WP02.lane).to.equal('planned')
  })

  it('reports already_satisfied on a rerun, and validates for each format and outcome', () => {
    markJson('T001', 'T003', 'T004', '--status', 'done', '--no-auto-commit')
    const again = markJson('T001', 'T003', 'T004', 'WP02', '--status', 'done', '--no-auto-commit')
    const doc = parseJson(again.stdout)
    assertSchema('mark-status-result', doc)
    expect((doc.results as Array<{outcome: string}>).every(r => r.outcome === 'already_satisfied')).to.equal(true)
    const pending = parseJson(markJson('T004', '--status', 'pending', '--no-auto-commit').stdout)
    assertSchema('mark-status-result', pending)
    expect((pending.results as Array<{outcome: string}>)[0].outcome).to.equal('updated')
    // The row materialized for the Subtasks-only id is removed again, not left as "- [ ] T004".
    expect(readText(tasksPath)).not.to.match(/- \[[ x]\] T004/)
  })

  it('exits 1 with the JSON document when no id resolves, and changes nothing', () => {
    const before = readText(tasksPath)
    const result = markJson('T998', 'T999', '--status', 'done', '--no-auto-commit')
    expect(result.code).to.equal(1)
    const doc = parseJson(result.stdout)
    assertSchema('mark-status-result', doc)
    expect(doc.summary).to.deep.equal({already_satisfied: 0, not_found: 2, updated: 0})
    expect(readText(tasksPath)).to.equal(before)
  })

  it('auto-commits only tasks.md, to the coordination branch, even from a protected branch', () => {
    const coordination = join(sandbox.repo, '.worktrees', `${slug}-coord`)
    sandbox.write(`.worktrees/${slug}-coord/unrelated.txt`, 'staged but not ours\n')
    sandbox.git(['add', 'unrelated.txt'], coordination)
    sandbox.git(['checkout', '-q', '-b', 'master'])
    const head = sandbox.git(['rev-parse', 'HEAD'])
    const result = markJson('T001', '--status', 'done')
    expect(result.code, result.stdout).to.equal(0)
    expect(sandbox.git(['show', '--name-only', '--format=%s', `kitty/mission-${slug}`]).split('\n')).to.deep.equal(['chore: Mark T001 as done on spec demo', '', `kitty-specs/${slug}/tasks.md`])
    expect(sandbox.git(['status', '--porcelain'], coordination)).to.equal('A  unrelated.txt')
    expect(sandbox.git(['rev-parse', 'HEAD']), 'master is not committed to').to.equal(head)
  })

  it('refuses a protected branch before touching tasks.md of a mission without a coordination branch', () => {
    const legacy = createMission(sandbox, undefined, undefined, 'legacy-widgets', {legacy: true})
    sandbox.git(['checkout', '-q', '-b', 'master'])
    const before = readText(join(legacy.dir, 'tasks.md'))
    const refused = sandbox.cli(['agent', 'tasks', 'mark-status', 'T002', '--status', 'done', '--mission', legacy.slug, '--json'])
    expect(refused.code).to.equal(1)
    expect(parseJson(refused.stdout).error).to.include({code: 'protected_branch'})
    expect(readText(join(legacy.dir, 'tasks.md'))).to.equal(before)
  })

  it('gives clear errors for a bad --status (exit 2), no ids (exit 2) and a missing tasks.md (exit 1)', () => {
    const badStatus = markJson('T001', '--status', 'finished')
    expect(badStatus.code).to.equal(2)
    assertSchema('error', parseJson(badStatus.stdout))
    const noIds = sandbox.cli(['agent', 'tasks', 'mark-status', '--status', 'done', '--mission', slug, '--json'])
    expect(noIds.code).to.equal(2)
    sandbox.git(['rm', '-q', `kitty-specs/${slug}/tasks.md`], join(sandbox.repo, '.worktrees', `${slug}-coord`))
    const missing = markJson('T001', '--status', 'done', '--no-auto-commit')
    expect(missing.code).to.equal(1)
    expect(parseJson(missing.stdout).error).to.include({code: 'tasks_missing'})
  })

  it('prints one line per id and a summary in human mode', () => {
    const result = sandbox.cli(['agent', 'tasks', 'mark-status', 'T001', 'T999', '--status', 'done', '--mission', slug, '--no-auto-commit'])
    const lines = result.stdout.trim().split('\n')
    expect(lines).to.have.length(3)
    expect(lines[0]).to.match(/^updated +T001/)
    expect(lines[2]).to.equal('1 updated, 0 already satisfied, 1 not found.')
  })
})
