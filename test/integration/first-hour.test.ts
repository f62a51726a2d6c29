import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {readyMission} from '../support/merge-fixtures.js'
import {createMission} from '../support/missions.js'
import {expectError, refusedWithoutChange} from '../support/refusals.js'
import {parseJson, REPO_ROOT, Sandbox} from '../support/sandbox.js'

/** What a new user meets in the first hour: every refusal says what is true and what to do. */
describe('the first hour: help and errors as documented', function () {
  this.timeout(120_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
  })

  afterEach(() => sandbox.cleanup())

  it('the complete mission of docs/writing-missions.md finalizes and reads as the page says', () => {
    sandbox.initProject()
    const slug = String(parseJson(sandbox.cli(['agent', 'mission', 'create', 'demo-widgets', '--json']).stdout).mission_slug)
    const page = readFileSync(join(REPO_ROOT, 'docs', 'writing-missions.md'), 'utf8')
    const files = [...page.matchAll(/`([^`\n]+)`:\n\n```markdown\n(.*?)```/gs)]
    expect(files.map(([, name]) => name)).to.deep.equal(['tasks.md', 'tasks/WP01-widget-store.md', 'tasks/WP02-widget-api.md'])
    for (const [, name, body] of files) sandbox.write(`kitty-specs/${slug}/${name}`, body)
    const finalized = parseJson(sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json']).stdout)
    expect(finalized.lanes).to.deep.equal([
      {
        depends_on_lanes: [], lane_id: 'lane-a', parallel_group: 0, wp_ids: ['WP01'],
      },
      {
        depends_on_lanes: ['lane-a'], lane_id: 'lane-b', parallel_group: 1, wp_ids: ['WP02'],
      },
    ])
    const board = parseJson(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']).stdout)
    expect((board.work_packages as Array<{id: string; lane: string; subtasks: unknown}>).map(wp => [wp.id, wp.lane, wp.subtasks])).to.deep.equal([
      ['WP01', 'planned', {done: 0, total: 2}],
      ['WP02', 'planned', {done: 0, total: 2}],
    ])
    // The Status column of WP02's table is where its ticks go.
    expect(sandbox.cli(['agent', 'tasks', 'mark-status', 'WP02', '--status', 'done', '--mission', slug]).code).to.equal(0)
    const after = parseJson(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']).stdout)
    expect((after.work_packages as Array<{subtasks: unknown}>)[1].subtasks).to.deep.equal({done: 2, total: 2})
  })

  it('init outside a git repository refuses with the git init remedy and writes nothing', () => {
    const result = sandbox.cli(['init', '--json'])
    expectError(result, 'not_a_git_repository')
    expect((parseJson(result.stdout).error as {remediation: string}).remediation).to.contain('git init')
    expect(readdirSync(sandbox.repo)).to.deep.equal([])
  })

  it('usage errors exit 2: an empty --friendly-name, a --target-branch that does not exist, an unknown WP id', () => {
    sandbox.initProject()
    refusedWithoutChange(sandbox, ['agent', 'mission', 'create', 'widgets', '--friendly-name', ''], 'invalid_argument', {}, 2)
    refusedWithoutChange(sandbox, ['agent', 'mission', 'create', 'widgets', '--target-branch', 'no-such-branch'], 'unknown_target_branch', {}, 2)
    expect(existsSync(join(sandbox.repo, 'kitty-specs'))).to.equal(false)
    const {slug} = createMission(sandbox)
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP99', '--to', 'claimed', '--mission', slug], 'wp_not_found', {}, 2)
    refusedWithoutChange(sandbox, ['implement', 'WP99', '--mission', slug], 'wp_not_found', {}, 2)
  })

  it('an unknown flag suggests the nearest one', () => {
    sandbox.initProject()
    const result = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--tto', 'claimed', '--mission', 'x', '--json'])
    expectError(result, 'usage_error', 2)
    expect((parseJson(result.stdout).error as {remediation: string}).remediation).to.match(/^Did you mean --to\? See: spec-kitty agent tasks move-task --help$/)
  })

  it('-h works on every command, and topics show the descriptions package.json gives them', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    for (const id of Object.keys(manifest.commands)) {
      const help = sandbox.cli([...id.split(':'), '-h'])
      expect(help.code, id).to.equal(0)
      expect(help.stdout, id).to.contain('USAGE')
    }

    const topics = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).oclif.topics as Record<string, {description: string}>
    for (const [topic, {description}] of Object.entries(topics)) {
      expect(sandbox.cli([...topic.split(':'), '--help']).stdout.split('\n')[0], topic).to.equal(description)
    }
  })

  it('implement refuses a WP that is approved or done, naming its lane', () => {
    sandbox.initProject()
    const mission = readyMission(sandbox)
    const refused = sandbox.cli(['implement', 'WP01', '--mission', mission.slug, '--json'])
    expectError(refused, 'wp_already_landed')
    expect(parseJson(refused.stdout)).to.include({lane: 'approved'})
  })

  it('an id no row holds says which formats were tried', () => {
    sandbox.initProject()
    const {slug} = createMission(sandbox)
    const result = sandbox.cli(['agent', 'tasks', 'mark-status', 'T999', '--status', 'done', '--mission', slug, '--json'])
    expect(result.code).to.equal(1)
    const [missing] = parseJson(result.stdout).results as Array<{message: string}>
    expect(missing.message).to.match(/^T999 was not found in tasks\.md; formats tried: checkbox, .*pipe_table/)
    expect(missing.message).not.to.contain('none installed')
  })
})
