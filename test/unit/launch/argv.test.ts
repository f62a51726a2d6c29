import {Flags, Parser} from '@oclif/core'
import {expect} from 'chai'
import fc from 'fast-check'

import type {CommandSpec} from '../../../src/command-spec.js'

import {parseArgv} from '../../../src/launch/argv.js'
import {LIFECYCLE_COMMANDS} from '../../../src/lifecycle/index.js'
import {oclifArg, oclifFlag} from '../../../src/oclif-adapter.js'

/** What oclif's own parser makes of argv for the oclif class of `spec`, or undefined where it refuses. */
async function oclifParse(spec: CommandSpec, argv: string[]) {
  const flags = {
    ...Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, oclifFlag(flag)])),
    json: Flags.boolean({description: 'json'}),
  }
  const args = Object.fromEntries(Object.entries(spec.args).map(([name, arg]) => [name, oclifArg(arg)]))
  try {
    const parsed = await Parser.parse(argv, {args, flags, strict: spec.strict})
    return {args: parsed.args, argv: parsed.argv, flags: parsed.flags}
  } catch (error) {
    if (process.env.SHOW) console.log(argv, (error as Error).message)
  }
}

const defined = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined))

/** The lean parser may decline anything; what it accepts, oclif must accept and read the same way. */
async function expectAgreement(spec: CommandSpec, argv: string[]): Promise<boolean> {
  const lean = parseArgv(spec, argv)
  if (lean === undefined) return false
  const oclif = await oclifParse(spec, argv)
  expect(oclif, `oclif refuses what the lean parser accepted: ${JSON.stringify(argv)}`).not.to.equal(undefined)
  expect(defined(lean.flags), JSON.stringify(argv)).to.deep.equal(defined(oclif!.flags))
  expect(defined(lean.args), JSON.stringify(argv)).to.deep.equal(defined(oclif!.args))
  expect(lean.argv, JSON.stringify(argv)).to.deep.equal(oclif!.argv)
  return true
}

const spec = (id: string): CommandSpec => LIFECYCLE_COMMANDS.get(id)!

describe('the lean launcher parses flags as oclif does', () => {
  it('reads the forms agents type, in any order, as oclif reads them', async () => {
    const accepted: Array<[string, string[]]> = [
      ['agent:tasks:status', []],
      ['agent:tasks:status', ['--mission', 'demo-01', '--json']],
      ['agent:tasks:status', ['--json', '--mission=demo-01']],
      ['agent:tasks:list-tasks', ['--lane', 'doing', '--mission', 'x']],
      ['agent:tasks:move-task', ['wp01', '--to', 'claimed', '--mission', 'demo', '--agent', 'claude', '--no-auto-commit']],
      ['agent:tasks:move-task', ['--to=for_review', 'WP02', '--force', '--note', 'why not', '--shell-pid', '42', '--auto-commit', '--json']],
      ['agent:tasks:mark-status', ['T001', 'T002', '--status', 'done', '--mission', 'demo', '--json', '--no-auto-commit']],
      ['agent:tasks:mark-status', ['--status=pending', 'WP02', 'demo/T003']],
      ['agent:tasks:move-task', ['WP03', '--to', 'planned', '--shell-pid', '1', '--note=-3', '--agent=-x']],
    ]
    for (const [id, argv] of accepted) {
      // eslint-disable-next-line no-await-in-loop
      expect(await expectAgreement(spec(id), argv), `declined: ${id} ${argv.join(' ')}`).to.equal(true)
    }
  })

  it('declines what oclif must word: unknown, repeated, missing or refused flags, short flags, --', () => {
    const declined: Array<[string, string[]]> = [
      ['agent:tasks:status', ['--mision', 'x']],
      ['agent:tasks:status', ['--mission', 'a', '--mission', 'b']],
      ['agent:tasks:status', ['--mission']],
      ['agent:tasks:status', ['--mission', '--json']],
      ['agent:tasks:status', ['--mission', '../etc']],
      ['agent:tasks:status', ['--json=true']],
      ['agent:tasks:status', ['--no-json']],
      ['agent:tasks:status', ['extra']],
      ['agent:tasks:status', ['-m', 'x']],
      ['agent:tasks:status', ['--', '--json']],
      ['agent:tasks:move-task', ['WP01']],
      ['agent:tasks:move-task', ['T001', '--to', 'claimed']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--shell-pid', '0']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--shell-pid', 'x1']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--no-force']],
      ['agent:tasks:mark-status', ['T001', '--status', 'finished']],
      ['agent:tasks:mark-status', ['--status', 'done']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--shell-pid', '7x']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--agent', '--json']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--note', '-3']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--yesauto-commit']],
      ['agent:tasks:move-task', ['WP01', '--to', 'claimed', '--no-auto-commit=true']],
    ]
    for (const [id, argv] of declined) expect(parseArgv(spec(id), argv), `${id} ${argv.join(' ')}`).to.equal(undefined)
  })

  it('binds an optional argument only when given, and fills boolean defaults', async () => {
    const optional: CommandSpec = {
      args: {first: {description: 'x', required: true}, second: {description: 'y'}},
      description: 'd',
      examples: [],
      flags: {count: {description: 'n', kind: 'integer'}, quiet: {default: false, description: 'q', kind: 'boolean'}},
      id: 'probe',
      async run() {
        return {document: {}, exitCode: 0, human: []}
      },
      strict: true,
      summary: 's',
    }
    expect(parseArgv(optional, ['a'])).to.deep.equal({args: {first: 'a'}, argv: ['a'], flags: {quiet: false}})
    expect(parseArgv(optional, ['a', 'b', '--count', '-2']), 'a value after a space never starts with -').to.equal(undefined)
    expect(parseArgv(optional, ['a', 'b', '--count=-2'])).to.deep.equal({args: {first: 'a', second: 'b'}, argv: ['a', 'b'], flags: {count: -2, quiet: false}})
    for (const argv of [['a'], ['a', 'b', '--count=-2', '--quiet']]) {
      // eslint-disable-next-line no-await-in-loop
      expect(await expectAgreement(optional, argv), argv.join(' ')).to.equal(true)
    }
  })

  it('agrees with oclif on any argv built from the words these commands take (property)', async () => {
    const words = [
      '--mission',
      '--mission=demo',
      'demo',
      'WP01',
      'wp02',
      'T001',
      'T002b',
      '--json',
      '--no-auto-commit',
      '--auto-commit',
      '--to',
      'claimed',
      'doing',
      'done',
      'pending',
      '--status',
      '--status=done',
      '--lane',
      'planned',
      '--force',
      '--note',
      'a note',
      '--shell-pid',
      '7',
      '-3',
      '--agent',
      '',
      'x/../y',
      '--no-json',
      '--',
      '-',
      '--to=approved',
      '--reviewer',
      'WP1',
    ]
    let accepted = 0
    await fc.assert(fc.asyncProperty(fc.constantFrom(...LIFECYCLE_COMMANDS.keys()), fc.array(fc.constantFrom(...words), {maxLength: 8}), async (id, argv) => {
      if (await expectAgreement(spec(id), argv)) accepted++
    }), {numRuns: 600, seed: 16})
    expect(accepted, 'the property never reached an accepted argv').to.be.greaterThan(20)
  })
})
