import {expect} from 'chai'

import {withFrontmatterKeys, withFrontmatterValues} from '../../../src/core/tasks/frontmatter-edit.js'

const FILE = `---
work_package_id: WP01
# kept: a comment
subtasks:
- T001
agent: "claude:opus:reviewer-renata:reviewer"
notes: |
  a block
---
# WP01

agent: not frontmatter
`

describe('prompt-file frontmatter edits', () => {
  it('replaces a key in place and touches no other line', () => {
    const edited = withFrontmatterKeys(FILE, {agent: 'codex'})
    expect(edited).to.equal(FILE.replace('agent: "claude:opus:reviewer-renata:reviewer"', 'agent: "codex"'))
  })

  it('adds a missing key where Spec Kitty orders it (shell_pid after agent), never in the body', () => {
    const edited = withFrontmatterKeys(FILE, {shell_pid: '4242'})
    expect(edited).to.equal(FILE.replace(':reviewer"\n', ':reviewer"\nshell_pid: "4242"\n'))
    // No known key before it: right after the opening ---.
    expect(withFrontmatterKeys('---\nzeta: 1\n---\n', {agent: 'a'})).to.equal('---\nagent: "a"\nzeta: 1\n---\n')
  })

  it('quotes a value that YAML would misread, and leaves a block value and a file without frontmatter alone', () => {
    expect(withFrontmatterKeys('---\nagent: x\n---\n', {agent: 'a: "b" #c'})).to.equal('---\nagent: "a: \\"b\\" #c"\n---\n')
    expect(withFrontmatterKeys(FILE, {notes: 'x'})).to.equal(FILE)
    expect(withFrontmatterKeys('# no frontmatter\n', {agent: 'x'})).to.equal('# no frontmatter\n')
  })

  it('sets finalize keys in Spec Kitty order and spelling, and leaves an equal value alone however it is written', () => {
    const text = '---\nwork_package_id: WP02\ntitle: Two\ndependencies: [WP01]\nsubtasks:\n- T003\nowned_files:\n- src/b.ts\n# a comment\n---\nbody: x\n'
    const edited = withFrontmatterValues(text, {
      branch_strategy: 'Planning artifacts for this mission were generated on main.',
      create_intent: [],
      dependencies: ['WP01'],
      merge_target_branch: 'main',
      planning_base_branch: 'main',
      tracker_refs: [],
    })
    const expected = [
      '---',
      'work_package_id: WP02',
      'title: Two',
      'dependencies: [WP01]',
      'tracker_refs: []',
      'planning_base_branch: main',
      'merge_target_branch: main',
      'branch_strategy: Planning artifacts for this mission were generated on main.',
      'subtasks:',
      '- T003',
      'create_intent: []',
      'owned_files:',
      '- src/b.ts',
      '# a comment',
      '---',
      'body: x',
      '',
    ]
    expect(edited).to.equal(expected.join('\n'))
    expect(withFrontmatterValues(edited, {dependencies: ['WP01'], planning_base_branch: 'main'})).to.equal(edited)
  })

  it('replaces a changed block list whole and quotes a scalar YAML would misread', () => {
    const text = '---\ndependencies:\n- WP01\n- WP03\ntitle: x\n---\n'
    expect(withFrontmatterValues(text, {dependencies: ['WP01', 'WP02']})).to.equal('---\ndependencies:\n- WP01\n- WP02\ntitle: x\n---\n')
    expect(withFrontmatterValues(text, {dependencies: []})).to.equal('---\ndependencies: []\ntitle: x\n---\n')
    expect(withFrontmatterValues('---\ntitle: x\n---\n', {planning_base_branch: 'a: b #c'})).to.equal('---\ntitle: x\nplanning_base_branch: "a: b #c"\n---\n')
  })
})
