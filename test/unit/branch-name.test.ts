import {expect} from 'chai'
import fc from 'fast-check'
import {spawnSync} from 'node:child_process'

import {isSafeBranchName} from '../../src/core/git/branch-name.js'

/** git's own verdict on a branch name. */
const gitAccepts = (name: string): boolean => spawnSync('git', ['check-ref-format', '--branch', name], {encoding: 'utf8'}).status === 0

describe('branch names that may reach git', () => {
  it('every name spec-kitty accepts is one git check-ref-format --branch accepts, and none starts with "-"', () => {
    const pieces = fc.constantFrom('a', 'Z', '0', '.', '..', '/', '//', '-', '_', '@', '{', '@{', '.lock', 'lock', ' ', '~', '^', ':', '?', '*', '[', '\\', '\u0001', 'é', 'kitty', 'mission')
    const names = fc.oneof(fc.array(pieces, {maxLength: 8}).map(parts => parts.join('')), fc.string({maxLength: 12}))
    let accepted = 0
    fc.assert(fc.property(names, name => {
      if (!isSafeBranchName(name)) return
      accepted++
      expect(name.startsWith('-'), name).to.equal(false)
      expect(gitAccepts(name), `git refuses ${JSON.stringify(name)}`).to.equal(true)
    }), {numRuns: 400})
    expect(accepted, 'the generator must produce names we accept').to.be.greaterThan(20)
  })

  it('accepts what missions use and refuses options, traversal and lock names', () => {
    for (const ok of ['main', 'master', 'trunk', '2.x', 'feature/widgets', 'kitty/mission-demo-01J9ZK3M-lane-a', 'release-1.2']) expect(isSafeBranchName(ok), ok).to.equal(true)
    for (const bad of ['-m', '--output=x', 'a..b', 'a/.b', '.a', 'a.lock', 'a/b.lock/c', 'a/', 'a.', 'a//b', '', 'a b', 'a\u0000b', 42, null]) expect(isSafeBranchName(bad), String(bad)).to.equal(false)
  })
})
