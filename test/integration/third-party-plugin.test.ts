import {expect} from 'chai'
import {join} from 'node:path'

import {readyMission} from '../support/merge-fixtures.js'
import {createMission, readText, statusDir} from '../support/missions.js'
import {parseJson, REPO_ROOT, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'plugins', 'spec-kitty-plugin-example')

describe('a third-party plugin linked with `spec-kitty plugins link`', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
    const linked = sandbox.cli(['plugins', 'link', FIXTURE, '--no-install'])
    expect(linked.code, linked.stderr).to.equal(0)
  })

  afterEach(() => sandbox.cleanup())

  it('adds a task format that mark-status resolves, next to the built-in ones', () => {
    const {dir, slug} = createMission(sandbox, '# Tasks\n\n## WP01\n- [ ] T001 built-in\nTASK-12: todo\n')
    const result = sandbox.cli(['agent', 'tasks', 'mark-status', 'TASK-12', 'T001', '--status', 'done', '--mission', slug, '--no-auto-commit', '--json'])
    expect(result.code, result.stdout).to.equal(0)
    const doc = parseJson(result.stdout)
    assertSchema('mark-status-result', doc)
    expect((doc.results as Array<{format: string; id: string}>).map(r => [r.id, r.format])).to.deep.equal([['TASK-12', 'task_status_line'], ['T001', 'checkbox']])
    expect(readText(join(dir, 'tasks.md'))).to.contain('TASK-12: done').and.contain('- [x] T001 built-in')
  })

  it('its ids in a WP section belong to that WP: counted on the board, blocking for_review, ticked by mark-status WPnn', () => {
    const {slug} = createMission(sandbox, '# Tasks\n\n## WP01\n- [x] T001 built-in\nTASK-12: todo\n\n## WP02\nTASK-13: todo\n')
    const board = parseJson(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']).stdout)
    expect((board.work_packages as Array<{id: string; subtasks: unknown}>).map(wp => [wp.id, wp.subtasks])).to.deep.equal([['WP01', {done: 1, total: 2}], ['WP02', {done: 0, total: 1}]])
    const list = parseJson(sandbox.cli(['agent', 'tasks', 'list-tasks', '--mission', slug, '--json']).stdout)
    expect((list.tasks as Array<{subtasks: unknown}>).map(task => task.subtasks), 'list-tasks counts as the board does').to.deep.equal([{done: 1, total: 2}, {done: 0, total: 1}])
    const refused = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--json'])
    expect(refused.code, refused.stdout).to.equal(1)
    expect(parseJson(refused.stdout).error).to.include({code: 'subtasks_incomplete'})
    expect((parseJson(refused.stdout).error as {message: string}).message).to.contain('TASK-12').and.not.contain('TASK-13')
    expect(sandbox.cli(['agent', 'tasks', 'mark-status', 'WP01', '--status', 'done', '--mission', slug]).code).to.equal(0)
    expect(readText(join(statusDir(sandbox.repo, slug), 'tasks.md'))).to.contain('TASK-12: done').and.contain('TASK-13: todo')
    const moved = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--json'])
    expect(moved.code, moved.stdout).to.equal(0)
  })

  it('adds a preflight check that blocks the dry run and the real merge alike', () => {
    const mission = readyMission(sandbox)
    sandbox.write('.merge-freeze', 'release week\n')
    sandbox.write('.git/info/exclude', '.merge-freeze\n')
    const dry = sandbox.cli(['merge', '--mission', mission.slug, '--dry-run', '--json'])
    const real = sandbox.cli(['merge', '--mission', mission.slug, '--json'])
    for (const result of [dry, real]) {
      expect(result.code).to.equal(1)
      const doc = parseJson(result.stdout)
      assertSchema('merge-preflight', doc)
      expect(doc).to.include({blocker: 'merge_freeze', ready: false, remediation: 'rm .merge-freeze'})
      expect((doc.blockers as Array<{plugin: string}>)[0].plugin).to.equal('spec-kitty-plugin-example')
    }
  })

  it('is listed by `spec-kitty plugins` and can be unlinked; no later command warns about it', () => {
    // An ESM plugin linked from source once made oclif warn on every command.
    for (const args of [['--version'], ['agent', 'tasks', 'status', '--help'], ['plugins']]) expect(sandbox.cli(args).stderr, args.join(' ')).to.equal('')
    expect(sandbox.cli(['plugins']).stdout).to.contain('spec-kitty-plugin-example')
    expect(sandbox.cli(['plugins', 'unlink', 'spec-kitty-plugin-example']).code).to.equal(0)
    expect(sandbox.cli(['plugins']).stdout).not.to.contain('spec-kitty-plugin-example')
  })
})
