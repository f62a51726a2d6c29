import {expect} from 'chai'
import {
  mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {sweepStrayTemps, writeFileAtomic} from '../../../src/core/io/atomic-write.js'
import {isAlive} from '../../../src/core/io/process-alive.js'
import {pidNsTag} from '../../../src/core/io/process-identity.js'

describe('stray temp files of killed writers', () => {
  let dir: string
  // A pid that is certainly not running: the largest one Linux can hand out, checked.
  const dead = 4_194_303
  const ns = pidNsTag()
  const otherNs = String(Number(ns) + 1)

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-kitty-temps-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('are removed by the next write of their target; a live writer\'s temp and other files stay', () => {
    expect(isAlive(dead)).to.equal(false)
    for (const name of [`.status.json.${dead}.${ns}-0badc0de.tmp`, `.status.json.${process.pid}.${ns}-12345678.tmp`, `.meta.json.${dead}.${ns}-0badc0de.tmp`, 'notes.tmp']) writeFileSync(join(dir, name), 'x')
    writeFileAtomic(join(dir, 'status.json'), '{}\n')
    expect(readdirSync(dir).sort()).to.deep.equal([`.meta.json.${dead}.${ns}-0badc0de.tmp`, `.status.json.${process.pid}.${ns}-12345678.tmp`, 'notes.tmp', 'status.json'])
    sweepStrayTemps(dir)
    expect(readdirSync(dir).sort()).to.deep.equal([`.status.json.${process.pid}.${ns}-12345678.tmp`, 'notes.tmp', 'status.json'])
  })

  it('keep a temp file of another PID namespace (its pid means nothing here) until it is an hour old', () => {
    // Containers sharing a checkout: pid 7 of the other namespace may be writing right now.
    const foreign = `.status.json.7.${otherNs}-0badc0de.tmp`
    const legacy = `.meta.json.${dead}.0badc0de.tmp` // written before temp names carried the namespace
    for (const name of [foreign, legacy]) writeFileSync(join(dir, name), 'x')
    sweepStrayTemps(dir)
    expect(readdirSync(dir).sort()).to.deep.equal([legacy, foreign].sort())
    const twoHoursAgo = (Date.now() / 1000) - 7200
    for (const name of [foreign, legacy]) utimesSync(join(dir, name), twoHoursAgo, twoHoursAgo)
    sweepStrayTemps(dir)
    expect(readdirSync(dir)).to.deep.equal([])
  })
})
