import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {createMission, readText} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

const TASKS = '# Tasks\n\n## Work Package WP01: Store\n- [ ] T001 store\n\n## Work Package WP02: API\n- [ ] T002 api\n\n## Work Package WP03: Docs\n- [ ] T003 docs\n'
const prompt = (wp: string, subtask: string, extra: string) => `---\nwork_package_id: ${wp}\ntitle: ${wp} title\nsubtasks: [${subtask}]\n${extra}# keep me\n---\n# ${wp}\n\nBody.\n`
const PROMPTS = {
  'WP01-store.md': prompt('WP01', 'T001', 'owned_files: [src/store.txt]\n'),
  'WP02-api.md': prompt('WP02', 'T002', 'dependencies: [WP01]\nowned_files: [src/api.txt]\n'),
  'WP03-docs.md': prompt('WP03', 'T003', 'execution_mode: planning_artifact\nowned_files: [docs/guide.md]\n'),
}

describe('lanes joined by dependencies, and the planning lane', () => {
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  const cli = (args: string[]): Record<string, unknown> => {
    const result = sandbox.cli([...args, '--json'])
    if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.stdout}${result.stderr}`)
    return parseJson(result.stdout)
  }

  const commitIn = (worktree: string, file: string, text: string): void => {
    sandbox.write(relative(sandbox.repo, join(worktree, file)), text)
    sandbox.git(['add', '-A'], worktree)
    sandbox.git(['commit', '-q', '-m', `work on ${file}`], worktree)
  }

  it('finalize writes the lane graph and the prompt keys Spec Kitty maintains, once', () => {
    const {dir, slug} = createMission(sandbox, TASKS, PROMPTS, 'graph')
    const lanes = JSON.parse(readText(join(dir, 'lanes.json')))
    expect(lanes.lanes.map((l: {depends_on_lanes: string[]; lane_id: string; parallel_group: number; wp_ids: string[]}) => [l.lane_id, l.wp_ids, l.depends_on_lanes, l.parallel_group])).to.deep.equal([
      ['lane-a', ['WP01'], [], 0], ['lane-planning', ['WP03'], [], 0], ['lane-b', ['WP02'], ['lane-a'], 1],
    ])
    expect(lanes.planning_artifact_wps).to.deep.equal(['WP03'])
    const wp02 = readText(join(dir, 'tasks', 'WP02-api.md'))
    const target = sandbox.git(['branch', '--show-current']).trim()
    const strategy = `Planning artifacts for this mission were generated on ${target}. During /spec-kitty.implement this WP may branch from a dependency-specific base, but completed changes must merge back into ${target} unless the human explicitly redirects the landing branch.`
    // Existing keys keep their lines and order; each new key goes after the last key Spec Kitty orders before it.
    expect(wp02).to.equal([
      '---',
      'work_package_id: WP02',
      'title: WP02 title',
      'subtasks: [T002]',
      'dependencies: [WP01]',
      'tracker_refs: []',
      `planning_base_branch: ${target}`,
      `merge_target_branch: ${target}`,
      `branch_strategy: ${strategy}`,
      'create_intent: []',
      'owned_files: [src/api.txt]',
      '# keep me',
      '---',
      '# WP02',
      '',
      'Body.',
      '',
    ].join('\n'))
    // WP01 had no dependencies key: it gets the resolved (empty) list at Spec Kitty's place for it.
    expect(readText(join(dir, 'tasks', 'WP01-store.md'))).to.include('title: WP01 title\ndependencies: []\ntracker_refs: []\n')
    const again = cli(['agent', 'mission', 'finalize-tasks', '--mission', slug])
    assertSchema('finalize-tasks', again)
    expect(again).to.deep.include({diverged_files: [], lanes_written: false, prompts_updated: []})
    expect(readText(join(dir, 'tasks', 'WP02-api.md'))).to.equal(wp02)
  })

  it('implement merges the upstream lane into the dependent lane, a planning WP stays in the primary checkout, merge lands all', () => {
    const {slug} = createMission(sandbox, TASKS, PROMPTS, 'graph')
    const first = cli(['implement', 'WP01', '--mission', slug, '--agent', 'claude'])
    const laneA = String(first.workspace_path)
    expect(first).to.deep.include({lane_id: 'lane-a', upstream_lanes_merged: []})
    commitIn(laneA, 'src/store.txt', 'store\n')
    cli(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug])
    cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'approved', '--mission', slug, '--agent', 'claude'])

    const second = cli(['implement', 'WP02', '--mission', slug, '--agent', 'claude'])
    assertSchema('implement', second)
    expect(second).to.deep.include({lane_id: 'lane-b', status: 'created', upstream_lanes_merged: ['lane-a']})
    const laneB = String(second.workspace_path)
    expect(readFileSync(join(laneB, 'src', 'store.txt'), 'utf8')).to.equal('store\n')
    // Nothing new upstream: a second implement merges nothing.
    expect(cli(['implement', 'WP02', '--mission', slug, '--agent', 'claude'])).to.deep.include({status: 'reused', upstream_lanes_merged: []})
    commitIn(laneB, 'src/api.txt', 'api\n')

    const docs = cli(['implement', 'WP03', '--mission', slug, '--agent', 'claude'])
    assertSchema('implement', docs)
    expect(docs).to.deep.include({
      branch: sandbox.git(['branch', '--show-current']).trim(), lane_id: 'lane-planning', status: 'primary', workspace_path: sandbox.repo,
    })
    expect(existsSync(join(sandbox.repo, '.worktrees', `${slug}-lane-planning`))).to.equal(false)

    cli(['agent', 'tasks', 'mark-status', 'T002', 'T003', '--status', 'done', '--mission', slug])
    for (const wp of ['WP02', 'WP03']) cli(['agent', 'tasks', 'move-task', wp, '--to', 'approved', '--mission', slug, '--agent', 'claude'])
    const merged = sandbox.cli(['merge', '--mission', slug, '--json'])
    expect(merged.code, merged.stdout + merged.stderr).to.equal(0)
    expect(sandbox.git(['show', 'HEAD:src/store.txt']).trim()).to.equal('store')
    expect(sandbox.git(['show', 'HEAD:src/api.txt']).trim()).to.equal('api')
  })

  it('a conflicting upstream merge is aborted and refused, the lane worktree left as it was', () => {
    const {slug} = createMission(sandbox, TASKS, PROMPTS, 'graph')
    const laneA = String(cli(['implement', 'WP01', '--mission', slug, '--agent', 'claude']).workspace_path)
    commitIn(laneA, 'src/store.txt', 'store\n')
    cli(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug])
    cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'approved', '--mission', slug, '--agent', 'claude'])
    const laneB = String(cli(['implement', 'WP02', '--mission', slug, '--agent', 'claude']).workspace_path)
    // Upstream changes after lane-b started, and lane-b changed the same line meanwhile.
    commitIn(laneA, 'src/store.txt', 'store v2\n')
    commitIn(laneB, 'src/store.txt', 'store, as lane-b needs it\n')
    const head = sandbox.git(['rev-parse', 'HEAD'], laneB).trim()
    const refused = sandbox.cli(['implement', 'WP02', '--mission', slug, '--agent', 'claude', '--json'])
    expect(refused.code).to.equal(1)
    const error = parseJson(refused.stdout).error as {code: string; lane: string; remediation: string}
    expect(error).to.include({code: 'dependency_lane_conflict'})
    expect(error.remediation).to.include(`kitty/mission-${slug}-lane-a`)
    expect(sandbox.git(['rev-parse', 'HEAD'], laneB).trim()).to.equal(head)
    expect(sandbox.git(['status', '--porcelain'], laneB)).to.equal('')
    expect(existsSync(join(sandbox.git(['rev-parse', '--git-dir'], laneB).trim(), 'MERGE_HEAD'))).to.equal(false)
  })
})
