import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

describe('finalize-tasks reports every problem of the plan at once', () => {
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  afterEach(() => sandbox.cleanup())

  it('unknown dependencies, unreadable frontmatter and a cycle: one error listing all, nothing written', () => {
    const slug = String(parseJson(sandbox.cli(['agent', 'mission', 'create', 'demo', '--json']).stdout).mission_slug)
    const dir = join(sandbox.repo, 'kitty-specs', slug)
    sandbox.write(`kitty-specs/${slug}/tasks.md`, '# Tasks\n\n## Work Package WP01: A\nDepends on WP02, WP08\n- [ ] T001 a\n\n## Work Package WP02: B\nDepends on WP01\n- [ ] T002 b\n\n## Work Package WP03: C\n- [ ] T003 c\n')
    sandbox.write(`kitty-specs/${slug}/tasks/WP02-b.md`, '---\nwork_package_id: WP02\ndependencies: [WP09\n---\n# B\n')
    sandbox.write(`kitty-specs/${slug}/tasks/WP03-c.md`, '---\nwork_package_id: WP03\ndependencies: [WP07]\n---\n# C\n')
    const log = readFileSync(join(dir, 'status.events.jsonl'), 'utf8')
    const result = sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'])
    expect(result.code).to.equal(1)
    assertSchema('error', parseJson(result.stdout))
    const doc = parseJson(result.stdout) as {error: {code: string; message: string}; problems: Array<{code: string; message: string}>}
    expect(doc.problems.map(p => p.code)).to.deep.equal(['invalid_prompt_frontmatter', 'unknown_dependency', 'unknown_dependency', 'dependency_cycle'])
    expect(doc.error.code).to.equal('invalid_prompt_frontmatter')
    for (const needle of ['WP02-b.md', 'WP08', 'WP07', 'cycle: WP01, WP02']) expect(doc.error.message).to.include(needle)
    expect(existsSync(join(dir, 'lanes.json'))).to.equal(false)
    expect(readFileSync(join(dir, 'status.events.jsonl'), 'utf8')).to.equal(log)
    expect(readFileSync(join(dir, 'tasks', 'WP03-c.md'), 'utf8')).to.equal('---\nwork_package_id: WP03\ndependencies: [WP07]\n---\n# C\n')
  })
})
