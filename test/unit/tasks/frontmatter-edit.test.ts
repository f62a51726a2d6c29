import {expect} from 'chai'

import {withFrontmatterKeys} from '../../../src/core/tasks/frontmatter-edit.js'

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

  it('adds a missing key before the closing ---, never in the body', () => {
    const edited = withFrontmatterKeys(FILE, {shell_pid: '4242'})
    expect(edited).to.equal(FILE.replace('  a block\n---', '  a block\nshell_pid: "4242"\n---'))
  })

  it('quotes a value that YAML would misread, and leaves a block value and a file without frontmatter alone', () => {
    expect(withFrontmatterKeys('---\nagent: x\n---\n', {agent: 'a: "b" #c'})).to.equal('---\nagent: "a: \\"b\\" #c"\n---\n')
    expect(withFrontmatterKeys(FILE, {notes: 'x'})).to.equal(FILE)
    expect(withFrontmatterKeys('# no frontmatter\n', {agent: 'x'})).to.equal('# no frontmatter\n')
  })
})
