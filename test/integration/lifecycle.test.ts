import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {createMission, readText} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

describe('mission lifecycle through the CLI', function () {
  this.timeout(120_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  it('init is idempotent and prints one JSON document', () => {
    const again = sandbox.cli(['init', '--json'])
    expect(again.code).to.equal(0)
    const doc = parseJson(again.stdout)
    assertSchema('init', doc)
    expect(doc.created).to.equal(false)
    expect(again.stderr).to.equal('')
  })

  it('creates a mission with a ULID, <slug>-<mid8> folder and Python-style meta.json', () => {
    const result = sandbox.cli(['agent', 'mission', 'create', 'demo-widgets', '--json'])
    expect(result.code).to.equal(0)
    const doc = parseJson(result.stdout)
    assertSchema('mission-create', doc)
    expect(doc.mission_slug).to.equal(`demo-widgets-${String(doc.mission_id).slice(0, 8)}`)
    const meta = readFileSync(join(sandbox.repo, 'kitty-specs', String(doc.mission_slug), 'meta.json'), 'utf8')
    expect(meta).to.match(/^\{\n {2}"coordination_branch": "kitty\/mission-demo-widgets-[0-9A-Z]{8}",\n {2}"created_at": /)
    expect(meta.endsWith('}\n')).to.equal(true)
    expect(JSON.parse(meta)).to.include({coordination_branch: doc.coordination_branch, mission_number: null, target_branch: 'feature/widgets'})
    // Spec Kitty 3.2 refuses an empty purpose: one not given is left out.
    expect(JSON.parse(meta)).to.not.have.any.keys('purpose_tldr', 'purpose_context')
    // The coordination branch starts at the target's tip; nothing is committed by create.
    expect(doc.coordination_branch_created).to.equal(true)
    expect(sandbox.git(['rev-parse', `refs/heads/${String(doc.coordination_branch)}`])).to.equal(sandbox.git(['rev-parse', 'HEAD']))
  })

  it('refuses a bad slug, a detached HEAD and a non-git directory without writing anything', () => {
    const bad = sandbox.cli(['agent', 'mission', 'create', 'Demo_Widgets', '--json'])
    expect(bad.code, 'a bad slug is bad usage').to.equal(2)
    assertSchema('error', parseJson(bad.stdout))
    expect(parseJson(bad.stdout).error).to.include({code: 'invalid_slug'})
    sandbox.git(['checkout', '-q', '--detach'])
    const detached = sandbox.cli(['agent', 'mission', 'create', 'demo', '--json'])
    expect((parseJson(detached.stdout).error as {code: string}).code).to.equal('detached_head')
    expect(existsSync(join(sandbox.repo, 'kitty-specs'))).to.equal(false)
  })

  it('finalizes lanes and bootstrap events once; a second run changes nothing', () => {
    const {dir, slug} = createMission(sandbox)
    const log = readText(join(dir, 'status.events.jsonl'))
    const rows = log.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
    // The lifecycle rows the Python CLI logs, at the same moments (create, then finalize), then the bootstrap.
    expect(rows.map(row => row.event_type ?? `${row.from_lane}>${row.to_lane}`)).to.deep.equal(['MissionCreated', 'SpecifyStarted', 'TasksStarted', 'WPCreated', 'WPCreated', 'TasksCompleted', 'genesis>planned', 'genesis>planned'])
    expect(rows[3]).to.deep.include({aggregate_id: 'WP01', aggregate_type: 'WorkPackage', schema_version: '5.0.0'})
    expect(rows[4].payload).to.deep.include({depends_on: ['WP01'], mission_slug: slug, wp_id: 'WP02'})
    expect(rows[0].project_uuid).to.be.a('string')
    expect(rows[6]).to.include({
      actor: 'finalize-tasks', from_lane: 'genesis', reason: 'canonical bootstrap', to_lane: 'planned',
    })
    const lanes = JSON.parse(readText(join(dir, 'lanes.json')))
    expect(lanes.mission_branch).to.equal(`kitty/mission-${slug}`)
    // As Spec Kitty 3.2 computes them: a dependency is an edge between lanes, not a reason to share one.
    expect(lanes.lanes).to.deep.equal([
      {
        lane_id: 'lane-a', wp_ids: ['WP01'], write_scope: [], predicted_surfaces: [], depends_on_lanes: [], parallel_group: 0,
      },
      {
        lane_id: 'lane-b', wp_ids: ['WP02'], write_scope: [], predicted_surfaces: [], depends_on_lanes: ['lane-a'], parallel_group: 1,
      },
    ])
    expect(Object.keys(lanes)).to.deep.equal(['version', 'mission_slug', 'mission_id', 'mission_branch', 'target_branch', 'lanes', 'computed_at', 'computed_from', 'planning_artifact_wps'])
    const again = sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'])
    const doc = parseJson(again.stdout)
    assertSchema('finalize-tasks', doc)
    expect(doc).to.include({lanes_written: false})
    expect(doc.seeded_wps).to.deep.equal([])
    // The prompt keys the first run added are not rewritten, nor reported as a diverged primary copy.
    expect(doc.prompts_updated).to.deep.equal([])
    expect(doc.diverged_files).to.deep.equal([])
    expect(readText(join(dir, 'status.events.jsonl'))).to.equal(log)
  })

  it('moves a WP through lanes with one event per hop, and refuses a guarded move without writing', () => {
    const {dir, slug} = createMission(sandbox)
    const moved = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'doing', '--mission', slug, '--agent', 'claude', '--json'])
    expect(moved.code, moved.stdout).to.equal(0)
    const doc = parseJson(moved.stdout)
    assertSchema('move-task-result', doc)
    expect(doc).to.include({new_lane: 'in_progress', old_lane: 'planned'})
    expect(doc.event_ids).to.have.length(2)
    // auto-commit (default on) committed exactly the status files and the WP file, on the coordination branch
    expect(sandbox.git(['log', '-1', '--format=%s', `kitty/mission-${slug}`])).to.equal('chore: Move WP01 to in_progress on spec demo [claude]')
    expect(sandbox.git(['log', '-1', '--format=%s'])).to.equal(`plan ${slug}`)
    expect(sandbox.git(['status', '--porcelain'], join(sandbox.repo, '.worktrees', `${slug}-coord`))).to.equal('')
    expect(sandbox.git(['status', '--porcelain'])).to.equal('')

    const logBefore = readText(join(dir, 'status.events.jsonl'))
    const refused = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--json'])
    expect(refused.code).to.equal(1)
    const error = parseJson(refused.stdout)
    assertSchema('error', error)
    expect((error.error as {message: string}).message).to.contain('T001 T002')
    expect(readText(join(dir, 'status.events.jsonl'))).to.equal(logBefore)

    const snapshot = JSON.parse(readText(join(dir, 'status.json')))
    expect(snapshot.work_packages.WP01.lane).to.equal('in_progress')
    expect(snapshot.event_count).to.equal(4)
  })

  it('refuses auto-commit on a protected branch before writing anything (a mission without a coordination branch)', () => {
    const {dir, slug} = createMission(sandbox, undefined, undefined, undefined, {legacy: true})
    sandbox.git(['checkout', '-q', '-b', 'main'])
    const logBefore = readText(join(dir, 'status.events.jsonl'))
    const refused = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json'])
    expect(refused.code).to.equal(1)
    expect(parseJson(refused.stdout).error).to.include({code: 'protected_branch'})
    expect(readText(join(dir, 'status.events.jsonl'))).to.equal(logBefore)
    const allowed = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--no-auto-commit', '--json'])
    expect(allowed.code).to.equal(0)
  })

  it('a subtask the prompt file lists but no row holds is not done: the board and the for_review guard agree', () => {
    const {dir, slug} = createMission(sandbox, '# Tasks\n\n## Work Package WP01: Setup\n\n- [ ] T001 Schema\n', {'WP01-setup.md': '---\nwork_package_id: WP01\ntitle: Setup\nsubtasks: [T001, T009]\n---\n# WP01\n'})
    expect(sandbox.cli(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug]).code).to.equal(0)
    const board = parseJson(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']).stdout)
    expect((board.work_packages as Array<{subtasks: unknown}>)[0].subtasks).to.deep.equal({done: 1, total: 2})
    const logBefore = readText(join(dir, 'status.events.jsonl'))
    const refused = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--json'])
    expect(refused.code, refused.stdout).to.equal(1)
    const {code, message, remediation} = parseJson(refused.stdout).error as Record<string, string>
    expect(code).to.equal('subtasks_incomplete')
    expect(message).to.contain('T009').and.contain('no row in tasks.md')
    expect(remediation).to.contain('add a row for T009')
    expect(readText(join(dir, 'status.events.jsonl'))).to.equal(logBefore)
    // Without tasks.md at all, the listed subtasks block exactly the same way.
    sandbox.git(['rm', '-q', `kitty-specs/${slug}/tasks.md`], join(sandbox.repo, '.worktrees', `${slug}-coord`))
    const without = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--no-auto-commit', '--json'])
    expect((parseJson(without.stdout).error as {code: string}).code).to.equal('subtasks_incomplete')
  })

  it('shows the board and the task list, with done count and weighted readiness apart', () => {
    const {slug} = createMission(sandbox)
    sandbox.cli(['agent', 'tasks', 'move-task', 'WP02', '--to', 'claimed', '--mission', slug, '--agent', 'codex'])
    const status = sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json'])
    const board = parseJson(status.stdout)
    assertSchema('status-board', board)
    expect(board).to.include({done_count: 0, progress_semantics: 'weighted_readiness', total_wps: 2})
    expect(board.weighted_percentage).to.equal(2.5)
    const list = sandbox.cli(['agent', 'tasks', 'list-tasks', '--mission', slug, '--lane', 'claimed', '--json'])
    const doc = parseJson(list.stdout)
    assertSchema('list-tasks', doc)
    expect(doc.count).to.equal(1)
    const human = sandbox.cli(['agent', 'tasks', 'status', '--mission', slug])
    expect(human.stdout).to.contain('0/2 done, readiness 2.5%')
  })

  it('resolves --mission by ULID, mid8, slug and human slug; unknown handles exit 2 with JSON', () => {
    const {dir, slug} = createMission(sandbox)
    const meta = JSON.parse(readText(join(dir, 'meta.json')))
    for (const handle of [meta.mission_id, meta.mission_id.slice(0, 8), slug, 'demo-widgets']) {
      expect(sandbox.cli(['agent', 'tasks', 'list-tasks', '--mission', handle, '--json']).code, handle).to.equal(0)
    }

    const unknown = sandbox.cli(['agent', 'tasks', 'list-tasks', '--mission', 'nope', '--json'])
    expect(unknown.code).to.equal(2)
    const doc = parseJson(unknown.stdout)
    assertSchema('error', doc)
    expect(doc.candidates).to.deep.equal([slug])
    const traversal = sandbox.cli(['agent', 'tasks', 'list-tasks', '--mission', '../etc', '--json'])
    expect(traversal.code).to.equal(2)
    expect(parseJson(traversal.stdout).error).to.include({code: 'invalid_handle'})
  })

  it('reports usage errors as JSON with exit 2', () => {
    const result = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'nowhere', '--mission', 'x', '--json'])
    expect(result.code).to.equal(2)
    assertSchema('error', parseJson(result.stdout))
    const unknownFlag = sandbox.cli(['agent', 'tasks', 'status', '--bogus', '--json'])
    expect(unknownFlag.code).to.equal(2)
    expect(parseJson(unknownFlag.stdout).error).to.include({code: 'usage_error'})
  })

  it('works from inside a lane worktree (root discovery follows the .git file)', () => {
    const {slug} = createMission(sandbox)
    const worktree = join(sandbox.dir, 'wt')
    sandbox.git(['worktree', 'add', '-q', '-b', 'side', worktree])
    const result = sandbox.cli(['agent', 'tasks', 'list-tasks', '--mission', slug, '--json'], {cwd: worktree})
    expect(result.code, result.stdout).to.equal(0)
    expect(readdirSync(join(sandbox.repo, 'kitty-specs'))).to.deep.equal([slug])
  })
})
