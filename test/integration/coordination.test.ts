import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {fileTreeFingerprint} from '../support/fingerprint.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

const TASKS = '# Tasks\n\n## Work Package WP01: Setup\n\n- [ ] T001 Schema\n- [ ] T002 API\n'
const PROMPT = '---\nwork_package_id: WP01\ntitle: Setup\nsubtasks: [T001, T002]\n---\n# WP01 Setup\n'

/** A line as Python's json.dumps(sort_keys=True) writes it. */
const pythonLine = (row: Record<string, unknown>): string =>
  '{' + Object.keys(row).sort().map(key => `${JSON.stringify(key)}: ${JSON.stringify(row[key])}`).join(', ') + '}'

function laneEvent(slug: string, wp: string, from: string, to: string, at: string, id: string): string {
  return pythonLine({
    actor: 'claude', at, event_id: id, evidence: null, execution_mode: 'worktree', force: false, from_lane: from, mission_id: '01KV3H590RHSQHF8XV843X5YHA', mission_slug: slug, policy_metadata: null, reason: `move-task: ${from} -> ${to}`, review_ref: null, to_lane: to, wp_id: wp,
  })
}

function ok(result: {code: number; stderr: string; stdout: string}, what: string): Record<string, unknown> | undefined {
  expect(result.code, `${what}: ${result.stdout}${result.stderr}`).to.equal(0)
  return result.stdout.trim().startsWith('{') ? parseJson(result.stdout) : undefined
}

describe('coordination topology: status on the mission branch, as Spec Kitty 3.2 lays it out', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  afterEach(() => sandbox.cleanup())

  for (const branch of ['main', 'master', 'trunk']) {
    it(`the README walk on a fresh ${branch} needs no flag: nothing lands on ${branch} before merge, and merge lands code and history`, () => {
      sandbox = new Sandbox()
      sandbox.initProject(branch)
      const sk = (...args: string[]) => sandbox.cli(args)
      const created = ok(sk('agent', 'mission', 'create', 'demo-widgets', '--json'), 'create')!
      const slug = String(created.mission_slug)
      const primary = join(sandbox.repo, 'kitty-specs', slug)
      sandbox.write(`kitty-specs/${slug}/tasks.md`, TASKS)
      sandbox.write(`kitty-specs/${slug}/tasks/WP01-setup.md`, PROMPT)
      sandbox.write(`kitty-specs/${slug}/spec.md`, '# Spec\n\nWidgets, stored.\n')
      sandbox.write(`kitty-specs/${slug}/plan.md`, '# Plan\n\nOne table, one class.\n')
      const start = sandbox.git(['rev-parse', branch])

      const finalized = ok(sk('agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'), 'finalize')!
      assertSchema('finalize-tasks', finalized)
      expect(finalized.coordination_branch).to.equal(`kitty/mission-${slug}`)
      expect(finalized.published_files).to.include(`kitty-specs/${slug}/tasks.md`)
      const primaryBefore = fileTreeFingerprint(primary)

      const next = ok(sk('next', '--mission', slug, '--agent', 'codex', '--json'), 'next')!
      assertSchema('next', next)
      expect(next).to.include({action: 'implement', wp_id: 'WP01'})
      ok(sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--agent', 'codex'), 'claim')
      const implemented = ok(sk('implement', 'WP01', '--mission', slug, '--agent', 'codex', '--json'), 'implement')!
      const lane = String(implemented.workspace_path)
      // The lane's checkout leaves the status files out: no agent edits a stale copy there.
      expect(existsSync(join(lane, 'kitty-specs', slug, 'tasks.md'))).to.equal(true)
      expect(existsSync(join(lane, 'kitty-specs', slug, 'status.events.jsonl'))).to.equal(false)
      sandbox.write(`${lane.slice(sandbox.repo.length + 1)}/src/widget.txt`, 'widget\n')
      sandbox.git(['add', '-A'], lane)
      sandbox.git(['commit', '-q', '-m', 'feat: widget'], lane)
      ok(sk('agent', 'tasks', 'mark-status', 'T001', 'T002', '--status', 'done', '--mission', slug), 'mark-status')
      const early = sk('accept', '--mission', slug, '--json')
      expect(early.code).to.equal(1)
      assertSchema('accept', parseJson(early.stdout))
      expect((parseJson(early.stdout).checks as Array<{id: string; ok: boolean}>).filter(check => !check.ok).map(check => check.id)).to.deep.equal(['work_packages'])
      ok(sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--agent', 'codex'), 'for_review')
      ok(sk('agent', 'tasks', 'move-task', 'WP01', '--to', 'approved', '--mission', slug, '--agent', 'reviewer'), 'approve')

      // Everything so far was committed on the coordination branch; the target and the primary copy never moved.
      expect(sandbox.git(['rev-parse', branch]), `${branch} moved before merge`).to.equal(start)
      expect(fileTreeFingerprint(primary), 'the primary checkout was written by a lane move').to.equal(primaryBefore)
      expect(sandbox.git(['log', '--format=%s', `kitty/mission-${slug}`, '-3'])).to.contain('chore: Move WP01 to approved')
      const board = ok(sk('agent', 'tasks', 'status', '--mission', slug, '--json'), 'status')!
      expect((board.work_packages as Array<{lane: string}>)[0].lane).to.equal('approved')

      expect(ok(sk('next', '--mission', slug, '--json'), 'next before merge')).to.include({action: 'merge'})
      expect(ok(sk('accept', '--mission', slug, '--json'), 'accept')).to.include({failures: 0, ready: true})
      const dry = ok(sk('merge', '--mission', slug, '--dry-run', '--json'), 'dry run')!
      expect(dry.ready).to.equal(true)
      const merged = ok(sk('merge', '--mission', slug, '--json'), 'merge')!
      expect(merged.merged).to.equal(true)
      expect((merged.result as {warnings: string[]}).warnings).to.deep.equal([])
      expect(sandbox.git(['show', `${branch}:src/widget.txt`])).to.equal('widget')
      const log = sandbox.git(['show', `${branch}:kitty-specs/${slug}/status.events.jsonl`]).split('\n').map(line => JSON.parse(line) as {actor: string; to_lane: string})
      expect(log.filter(event => event.to_lane).map(event => event.to_lane)).to.deep.equal(['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done'])
      expect(sandbox.git(['show', `${branch}:kitty-specs/${slug}/tasks.md`])).to.contain('- [x] T001 Schema')
      expect(sandbox.git(['status', '--porcelain']), 'git status after merge').to.equal('')
      expect(sandbox.git(['branch', '--list', `kitty/mission-${slug}*`])).to.equal('')
      expect(existsSync(join(sandbox.repo, '.worktrees', `${slug}-coord`))).to.equal(false)
      const after = ok(sk('agent', 'tasks', 'status', '--mission', slug, '--json'), 'status after merge')!
      expect(after.done_count).to.equal(1)
    })
  }

  it('a planning copy edited after finalize is kept aside by merge, never lost', () => {
    sandbox = new Sandbox()
    sandbox.initProject('main')
    const slug = String(ok(sandbox.cli(['agent', 'mission', 'create', 'demo', '--json']), 'create')!.mission_slug)
    sandbox.write(`kitty-specs/${slug}/tasks.md`, TASKS)
    sandbox.write(`kitty-specs/${slug}/tasks/WP01-setup.md`, PROMPT)
    ok(sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug]), 'finalize')
    sandbox.write(`kitty-specs/${slug}/spec.md`, '# edited after finalize\n')
    const again = ok(sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json']), 'finalize again')!
    expect(again.diverged_files).to.deep.equal([`kitty-specs/${slug}/spec.md`])
    for (const to of ['claimed', 'in_progress']) ok(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', to, '--mission', slug]), to)
    ok(sandbox.cli(['implement', 'WP01', '--mission', slug]), 'implement')
    ok(sandbox.cli(['agent', 'tasks', 'mark-status', 'WP01', '--status', 'done', '--mission', slug]), 'tick')
    ok(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'approved', '--mission', slug]), 'approve')
    const merged = ok(sandbox.cli(['merge', '--mission', slug, '--json']), 'merge')!
    const [warning] = (merged.result as {warnings: string[]}).warnings
    const kept = /kept in (\S+)\.$/.exec(warning)?.[1]
    expect(kept, warning).to.be.a('string')
    expect(readFileSync(kept!, 'utf8')).to.equal('# edited after finalize\n')
    expect(sandbox.git(['status', '--porcelain'])).to.equal('')
  })

  it('a mission Spec Kitty 3.2.0 laid out (coordination worktree, lifecycle rows in the primary) reads, moves, ticks and merges', () => {
    sandbox = new Sandbox()
    sandbox.initProject('main')
    const slug = 'py-widgets-01KV3H59'
    const branch = `kitty/mission-${slug}`
    const dir = `kitty-specs/${slug}`
    sandbox.write(`${dir}/meta.json`, JSON.stringify({
      coordination_branch: branch, created_at: '2026-06-14T16:59:08.185164+00:00', friendly_name: 'Py widgets', mission_id: '01KV3H590RHSQHF8XV843X5YHA', mission_number: null, mission_slug: slug, mission_type: 'software-dev', purpose_context: 'Widgets for the demo.', purpose_tldr: 'Ship widgets.', slug, target_branch: 'main',
    }, null, 2) + '\n')
    const lifecycle = [
      pythonLine({
        actor: 'spec-kitty', at: '2026-06-14T16:59:08.200000+00:00', event_id: '01KV3H5A000000000000000001', event_type: 'MissionCreated', mission_slug: slug,
      }),
      pythonLine({
        actor: 'spec-kitty', at: '2026-06-14T17:00:00.000000+00:00', event_id: '01KV3H5A000000000000000002', event_type: 'TasksCompleted', mission_slug: slug,
      }),
    ]
    sandbox.write(`${dir}/status.events.jsonl`, lifecycle.join('\n') + '\n')
    sandbox.write(`${dir}/status.json`, '{}\n')
    sandbox.write(`${dir}/tasks.md`, TASKS)
    sandbox.write(`${dir}/tasks/WP01-setup.md`, PROMPT)
    sandbox.git(['add', '-A'])
    sandbox.git(['commit', '-q', '-m', `chore: planning artifacts for ${slug}`])
    sandbox.git(['branch', branch])
    const coord = join(sandbox.repo, '.worktrees', `${slug}-coord`)
    sandbox.git(['worktree', 'add', '-q', coord, branch])
    const coordDir = join(coord, dir)
    sandbox.write(`.worktrees/${slug}-coord/${dir}/lanes.json`, JSON.stringify({
      computed_at: '2026-06-14T17:23:33.000000+00:00', computed_from: 'dependency_graph+ownership', lanes: [{
        depends_on_lanes: [], lane_id: 'lane-a', parallel_group: 0, predicted_surfaces: [], wp_ids: ['WP01'], write_scope: [],
      }], mission_branch: branch, mission_id: '01KV3H590RHSQHF8XV843X5YHA', mission_slug: slug, planning_artifact_wps: [], target_branch: 'main', version: 1,
    }, null, 2) + '\n')
    sandbox.write(`.worktrees/${slug}-coord/${dir}/status.events.jsonl`, [...lifecycle, laneEvent(slug, 'WP01', 'genesis', 'planned', '2026-06-14T17:23:33.022376+00:00', '01KV3JHZGYR3F0KDM246GWXEHN'), laneEvent(slug, 'WP01', 'planned', 'claimed', '2026-06-14T17:25:00.000000+00:00', '01KV3JHZGYR3F0KDM246GWXEHP')].join('\n') + '\n')
    sandbox.git(['add', '-A'], coord)
    sandbox.git(['commit', '-q', '-m', 'chore(spec-kitty): status transition WP01'], coord)
    const primaryBefore = fileTreeFingerprint(join(sandbox.repo, dir))
    const mainBefore = sandbox.git(['rev-parse', 'main'])

    const board = ok(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']), 'status')!
    expect((board.work_packages as Array<{lane: string}>)[0].lane, 'the lane from the coordination worktree').to.equal('claimed')
    ok(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'in_progress', '--mission', slug, '--agent', 'claude', '--shell-pid', '4242', '--note', 'Started work']), 'move')
    expect(sandbox.git(['log', '-1', '--format=%s', branch])).to.equal('chore: Move WP01 to in_progress on spec py [claude]')
    // What the Python CLI writes for the same move: the note as the reason, shell_pid only when given.
    const moved = JSON.parse(readFileSync(join(coordDir, 'status.events.jsonl'), 'utf8').trimEnd().split('\n').at(-1)!)
    expect(moved).to.include({from_lane: 'claimed', reason: 'Started work', to_lane: 'in_progress'})
    const prompt = readFileSync(join(coordDir, 'tasks', 'WP01-setup.md'), 'utf8')
    expect(prompt).to.match(/^- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ – claude – shell_pid=4242 – Moved to in_progress: Started work$/m)
    // The holder in the frontmatter, as the Python CLI keeps it; the other keys untouched.
    expect(prompt.startsWith('---\nwork_package_id: WP01\ntitle: Setup\nsubtasks: [T001, T002]\nagent: "claude"\nshell_pid: "4242"\n---\n')).to.equal(true)
    ok(sandbox.cli(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug]), 'tick')
    expect(readFileSync(join(coordDir, 'tasks.md'), 'utf8')).to.contain('- [x] T001 Schema')
    // The other tool's rows are kept byte for byte.
    expect(readFileSync(join(coordDir, 'status.events.jsonl'), 'utf8').startsWith(lifecycle.join('\n') + '\n')).to.equal(true)

    // A coordination worktree removed by hand is recreated from its branch on the next command.
    sandbox.git(['worktree', 'remove', coord])
    const again = ok(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']), 'status without the worktree')!
    expect((again.work_packages as Array<{lane: string}>)[0].lane).to.equal('in_progress')
    expect(existsSync(coordDir)).to.equal(true)

    const lane = String(ok(sandbox.cli(['implement', 'WP01', '--mission', slug, '--json']), 'implement')!.workspace_path)
    sandbox.write(`${lane.slice(sandbox.repo.length + 1)}/src/py.txt`, 'py\n')
    sandbox.git(['add', '-A'], lane)
    sandbox.git(['commit', '-q', '-m', 'feat: py'], lane)
    ok(sandbox.cli(['agent', 'tasks', 'mark-status', 'T002', '--status', 'done', '--mission', slug]), 'tick T002')
    ok(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'approved', '--mission', slug]), 'approve')
    expect(readFileSync(join(coordDir, 'tasks', 'WP01-setup.md'), 'utf8')).to.match(/^- \S+Z – user – Moved to approved$/m)
    expect(fileTreeFingerprint(join(sandbox.repo, dir)), 'the primary copy was written before merge').to.equal(primaryBefore)
    expect(sandbox.git(['rev-parse', 'main'])).to.equal(mainBefore)

    ok(sandbox.cli(['merge', '--mission', slug, '--json']), 'merge')
    const landed = sandbox.git(['show', `main:${dir}/status.events.jsonl`])
    expect(landed.startsWith(lifecycle.join('\n'))).to.equal(true)
    expect(landed).to.contain('"to_lane": "done"')
    expect(sandbox.git(['show', 'main:src/py.txt'])).to.equal('py')
    expect(sandbox.git(['status', '--porcelain'])).to.equal('')
  })
})
