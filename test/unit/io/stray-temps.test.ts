import {expect} from 'chai'
import {
  mkdtempSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {sweepStrayTemps, writeFileAtomic} from '../../../src/core/io/atomic-write.js'
import {isAlive} from '../../../src/core/io/process-alive.js'

describe('stray temp files of killed writers', () => {
  let dir: string
  // A pid that is certainly not running: the largest one Linux can hand out, checked.
  const dead = 4_194_303

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-temps-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('are removed by the next write of their target; a live writer\'s temp and other files stay', () => {
    expect(isAlive(dead)).to.equal(false)
    for (const name of [`.status.json.${dead}.0badc0de.tmp`, `.status.json.${process.pid}.12345678.tmp`, `.meta.json.${dead}.0badc0de.tmp`, 'notes.tmp']) writeFileSync(join(dir, name), 'x')
    writeFileAtomic(join(dir, 'status.json'), '{}\n')
    expect(readdirSync(dir).sort()).to.deep.equal([`.meta.json.${dead}.0badc0de.tmp`, `.status.json.${process.pid}.12345678.tmp`, 'notes.tmp', 'status.json'])
    sweepStrayTemps(dir)
    expect(readdirSync(dir).sort()).to.deep.equal([`.status.json.${process.pid}.12345678.tmp`, 'notes.tmp', 'status.json'])
  })
})
