import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {join, relative} from 'node:path'

import {STEP_TEMPLATES} from '../../src/core/agents/command-templates.js'
import {parseJson, Sandbox} from '../support/sandbox.js'

/** The `spec-kitty …` lines of one step's template, in the order the agent reads them. */
function commandsOf(step: string): string[] {
  const template = STEP_TEMPLATES.find(t => t.step === step)
  if (!template) throw new Error(`no template for ${step}`)
  return [...template.body.matchAll(/`(spec-kitty [^`]+)`/g)].map(m => m[1])
}

/** The one command of `step` that starts with `prefix` (the test fails if the template lost it). */
function command(step: string, prefix: string): string {
  const found = commandsOf(step).filter(line => line.startsWith(`spec-kitty ${prefix}`))
  expect(found, `${step} names "spec-kitty ${prefix}"`).to.have.length.greaterThan(0)
  return found[0]
}

const SPEC = '# Specification: Demo widgets\n\n## Purpose\n\nStore widgets and list them.\n\n## Functional Requirements\n\n- FR-001: widgets are stored.\n- FR-002: widgets are listed.\n\n## Success Criteria\n\n- A stored widget is listed.\n'
const PLAN = '# Plan: Demo widgets\n\n## Architecture\n\nA store module and a list module.\n\n## Testing\n\nOne test per requirement.\n'
const TASKS = '# Tasks\n\n## Work Package WP01: Store\n\n- [ ] T001 store widgets\n\n## Work Package WP02: List\n\n- [ ] T002 list widgets\n'
const prompt = (wp: string, title: string, subtask: string, owned: string, extra = '') => `---\nwork_package_id: ${wp}\ntitle: ${title}\nsubtasks: [${subtask}]\nrequirement_refs: [FR-00${wp.at(-1)}]\nowned_files: [${owned}]\n${extra}---\n# ${wp}\n\nImplement ${title.toLowerCase()} in ${owned}.\n`

/**
 * The agent workflow as the slash-command templates describe it, driven with only the commands they
 * name: specify → plan → tasks → implement and review of two dependent work packages → accept →
 * merge → status. The test plays the agent between commands (writes the spec, plan, tasks and code).
 */
describe('the slash-command templates drive a whole mission', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  before(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  after(() => sandbox.cleanup())

  it('specify to merge, two work packages, with only the commands the templates name', () => {
    const env = sandbox.shellEnv()
    let slug = ''
    const run = (line: string, values: Record<string, string> = {}): Record<string, unknown> => {
      let filled = line
      for (const [from, to] of Object.entries(values)) filled = filled.replaceAll(from, to)
      filled = filled.replaceAll('<slug>', slug).replaceAll('<your name>', 'claude')
      expect(filled, 'every placeholder filled').not.to.match(/<[a-z ]+>/)
      const result = spawnSync('sh', ['-c', filled], {cwd: sandbox.repo, encoding: 'utf8', env})
      expect(result.status, `${filled}\n${result.stdout}${result.stderr}`).to.equal(0)
      return filled.includes('--json') ? parseJson(result.stdout) : {}
    }

    // specify
    const created = run(command('specify', 'agent mission create'), {'"<one line>"': '"Store and list widgets"', '"<title>"': '"Demo widgets"', '<slug>': 'demo-widgets'})
    slug = String(created.mission_slug)
    sandbox.write(String(created.spec_file), SPEC)
    // plan
    const plan = run(command('plan', 'agent mission setup-plan'))
    expect(plan).to.include({created: true, spec_written: true})
    sandbox.write(String(plan.plan_file), PLAN)
    // tasks (the agent writes them, commits its planning, and finalizes)
    sandbox.write(`kitty-specs/${slug}/tasks.md`, TASKS)
    sandbox.write(`kitty-specs/${slug}/tasks/WP01-store.md`, prompt('WP01', 'Store', 'T001', 'src/store.txt'))
    sandbox.write(`kitty-specs/${slug}/tasks/WP02-list.md`, prompt('WP02', 'List', 'T002', 'src/list.txt', 'dependencies: [WP01]\n'))
    sandbox.git(['add', '-A'])
    sandbox.git(['commit', '-q', '-m', 'plan the demo'])
    const finalized = run(command('tasks', 'agent mission finalize-tasks'))
    expect((finalized.lanes as Array<{lane_id: string}>).map(l => l.lane_id)).to.deep.equal(['lane-a', 'lane-b'])

    for (const [wp, subtask, file] of [['WP01', 'T001', 'src/store.txt'], ['WP02', 'T002', 'src/list.txt']] as const) {
      // implement: next names the WP, workflow implement claims it and prints the prompt
      const next = run(command('implement', 'next'))
      expect(JSON.stringify(next), `next names ${wp}`).to.include(wp)
      const opened = run(command('implement', 'agent workflow implement').replace('WP01', wp))
      expect(String(opened.prompt)).to.include(`# Implement ${wp}`).and.include(subtask).and.include(`FR-00${wp.at(-1)}`)
      const workspace = String(opened.workspace_path)
      sandbox.write(relative(sandbox.repo, join(workspace, file)), `${wp} work\n`)
      sandbox.git(['add', '-A'], workspace)
      sandbox.git(['commit', '-q', '-m', `${wp}: ${file}`], workspace)
      run(command('implement', 'agent tasks mark-status').replace('T001', subtask))
      run(command('implement', 'agent tasks move-task WP01 --to for_review').replace('WP01', wp), {'"<what you did>"': `"${file}"`})
      // review: find it, take it, read the prompt, approve
      const waiting = run(command('review', 'agent tasks list-tasks'))
      expect(JSON.stringify(waiting)).to.include(wp)
      const review = run(command('review', 'agent workflow review').replace('WP01', wp))
      expect(String(review.diff_stat)).to.include(file)
      expect(review.success_criteria).to.deep.equal(['- A stored widget is listed.'])
      run(command('review', 'agent tasks move-task WP01 --to approved').replace('WP01', wp), {'"<why>"': '"does what the spec says"'})
    }

    // accept, then merge, then status
    expect(run(command('accept', 'accept'))).to.include({ready: true})
    expect(run(command('accept', 'merge'))).to.include({ready: true})
    expect(run(command('merge', 'merge --mission <slug> --dry-run'))).to.include({ready: true})
    run(command('merge', 'merge --mission <slug> --json'))
    run(command('status', 'agent tasks status'))
    expect(sandbox.git(['show', 'HEAD:src/store.txt']).trim()).to.equal('WP01 work')
    expect(sandbox.git(['show', 'HEAD:src/list.txt']).trim()).to.equal('WP02 work')
    const board = run(`spec-kitty agent tasks status --mission ${slug} --json`)
    expect(JSON.stringify(board.by_lane)).to.include('"done":2')
  })
})
