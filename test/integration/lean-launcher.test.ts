import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {createMission, readText, statusDir} from '../support/missions.js'
import {
  type CliResult, parseJson, REPO_ROOT, Sandbox,
} from '../support/sandbox.js'

const PROBE = join(REPO_ROOT, 'test', 'fixtures', 'plugins', 'spec-kitty-plugin-hook-probe')
const EXAMPLE = join(REPO_ROOT, 'test', 'fixtures', 'plugins', 'spec-kitty-plugin-example')
const SHADOW = join(REPO_ROOT, 'test', 'fixtures', 'plugins', 'spec-kitty-plugin-shadow')

interface HookCall {
  argv: null | string[]
  command: null | string
  event: string
  events: null | number
  id: null | string
  lean: boolean
}

/**
 * The lean launcher (src/launch) against oclif's full launcher, both as the built CLI in a
 * subprocess: for every invocation it takes, the same stdout, stderr and exit code, and the same
 * hooks called with the same options, in the same order. A probe plugin (linked, leanHooks) records
 * each hook call and whether the lean config ran it, which is also how the tests know which launcher
 * ran. SPEC_KITTY_LEAN=0 forces oclif.
 */
describe('the lean launcher runs lifecycle commands as oclif does, without oclif', function () {
  this.timeout(180_000)
  let sandbox: Sandbox
  let slug: string
  let log: string

  before(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
    expect(sandbox.cli(['plugins', 'link', PROBE, '--no-install']).code).to.equal(0)
    slug = createMission(sandbox, '# Tasks\n\n## WP01\n- [ ] T001 one\n- [ ] T002 two\n\n## WP02\n- [ ] T003 three\n').slug
    log = join(sandbox.dir, 'hooks.jsonl')
  })

  after(() => sandbox.cleanup())

  /**
   * Run `args`, returning the result and the hook calls it made. oclif warns on every run that loads
   * a hook of a linked ES-module plugin that it uses the compiled files; the lean launcher always
   * does, silently (docs/plugins.md), so the comparison turns that warning off.
   */
  function run(args: string[], env: NodeJS.ProcessEnv = {}): CliResult & {hooks: HookCall[]} {
    rmSync(log, {force: true})
    const result = sandbox.cli(args, {env: {HOOK_PROBE_LOG: log, OCLIF_DISABLE_LINKED_ESM_WARNING: '1', ...env}})
    const hooks = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map(line => JSON.parse(line) as HookCall) : []
    return {...result, hooks}
  }

  /** Both launchers on the same invocation; read-only invocations must match byte for byte. */
  function both(args: string[], env: NodeJS.ProcessEnv = {}) {
    run(['--version']) // the full launcher refreshes the snapshot if the plugin set changed
    const lean = run(args, env)
    const full = run(args, {...env, SPEC_KITTY_LEAN: '0'})
    return {full, lean}
  }

  it('prints the same, exits the same and calls the same hooks, for every read-only invocation it takes', () => {
    const invocations = [
      ['--version'],
      ['--help'],
      ['-h'],
      [],
      ['agent', 'tasks', 'status', '--help'],
      ['agent', 'tasks', 'mark-status', '-h'],
      ['agent', 'tasks', 'status', '--mission', slug, '--json'],
      ['agent', 'tasks', 'status', '--mission', slug],
      ['agent:tasks:list-tasks', '--mission', slug, '--lane', 'planned', '--json'],
      ['agent', 'tasks', 'list-tasks', '--mission', slug, '--lane', 'sideways', '--json'],
      ['agent', 'tasks', 'status', '--mission', 'no-such-mission', '--json'],
      ['agent', 'tasks', 'status', '--mission', 'no-such-mission'],
      ['agent', 'tasks', 'move-task', 'WP01', '--to', 'nowhere', '--mission', slug, '--json'],
    ]
    for (const args of invocations) {
      const {full, lean} = both(args)
      const what = args.join(' ') || '(no arguments)'
      expect(lean.hooks.length, `${what}: the probe saw no hook`).to.be.greaterThan(0)
      expect(lean.hooks.every(call => call.lean), `${what} ran on the lean launcher`).to.equal(true)
      expect(full.hooks.every(call => !call.lean), `${what} ran on oclif with SPEC_KITTY_LEAN=0`).to.equal(true)
      expect({code: lean.code, stderr: lean.stderr, stdout: lean.stdout}, what).to.deep.equal({code: full.code, stderr: full.stderr, stdout: full.stdout})
      expect(lean.hooks.map(call => ({...call, lean: false})), `${what}: hooks`).to.deep.equal(full.hooks)
    }
  })

  it('leaves to oclif what it does not parse, so usage errors read as before', () => {
    for (const args of [['agent', 'tasks', 'status', '--mision', slug, '--json'], ['agent', 'tasks', 'move-task', 'WP01', '--mission', slug], ['agent', 'tasks', 'status', '--mission', '../x']]) {
      const result = run(args)
      expect(result.code, args.join(' ')).to.equal(2)
      expect(result.hooks.every(call => !call.lean), `${args.join(' ')} went to oclif`).to.equal(true)
    }
  })

  it('moves and marks as oclif does: same documents, same files, same hooks with the same events', () => {
    const other = new Sandbox()
    try {
      other.initProject()
      expect(other.cli(['plugins', 'link', PROBE, '--no-install']).code).to.equal(0)
      const otherSlug = createMission(other, '# Tasks\n\n## WP01\n- [ ] T001 one\n- [ ] T002 two\n\n## WP02\n- [ ] T003 three\n').slug
      other.cli(['--version'])
      run(['--version'])
      const steps = (mission: string) => [
        ['agent', 'tasks', 'move-task', 'wp01', '--to', 'claimed', '--agent', 'claude', '--mission', mission, '--no-auto-commit', '--json'],
        ['agent', 'tasks', 'mark-status', 'T001', 'T002', 'T009', '--status', 'done', '--mission', mission, '--no-auto-commit', '--json'],
        ['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', mission, '--no-auto-commit', '--json'],
        ['agent', 'tasks', 'mark-status', 'WP02', '--status', 'done', '--mission', mission, '--no-auto-commit'],
      ]
      const otherLog = join(other.dir, 'hooks.jsonl')
      const normalize = (text: string) => text.replaceAll(/01[0-9A-HJKMNP-TV-Z]{24}/g, '<ulid>').replaceAll(slug, '<slug>').replaceAll(otherSlug, '<slug>').replaceAll(sandbox.dir, '<dir>').replaceAll(other.dir, '<dir>')
      const [leanSteps, fullSteps] = [steps(slug), steps(otherSlug)]
      for (const [index, args] of leanSteps.entries()) {
        const lean = run(args)
        rmSync(otherLog, {force: true})
        const full = other.cli(fullSteps[index], {env: {HOOK_PROBE_LOG: otherLog, OCLIF_DISABLE_LINKED_ESM_WARNING: '1', SPEC_KITTY_LEAN: '0'}})
        const fullHooks = readFileSync(otherLog, 'utf8').trim().split('\n').map(line => JSON.parse(line) as HookCall)
        expect(lean.hooks.every(call => call.lean), args.join(' ')).to.equal(true)
        expect(lean.code, lean.stdout + lean.stderr).to.equal(full.code)
        expect(normalize(lean.stdout), args.join(' ')).to.equal(normalize(full.stdout))
        expect(lean.stderr).to.equal(full.stderr)
        expect(normalize(JSON.stringify(lean.hooks.map(call => ({...call, lean: false}))))).to.equal(normalize(JSON.stringify(fullHooks)))
      }

      expect(readText(join(statusDir(sandbox.repo, slug), 'tasks.md'))).to.equal(readText(join(statusDir(other.repo, otherSlug), 'tasks.md')))
      const lanes = (repo: string, mission: string) => readText(join(statusDir(repo, mission), 'status.events.jsonl')).trim().split('\n').map(line => {
        const event = JSON.parse(line) as Record<string, unknown>
        return [event.wp_id, event.from_lane, event.to_lane, event.actor, event.reason]
      })
      expect(lanes(sandbox.repo, slug)).to.deep.equal(lanes(other.repo, otherSlug))
    } finally {
      other.cleanup()
    }
  })

  it('reports a hook that fails with an exit code as oclif does', () => {
    for (const event of ['init', 'prerun', 'postrun']) {
      const {full, lean} = both(['agent', 'tasks', 'status', '--mission', slug, '--json'], {HOOK_PROBE_FAIL: event})
      expect(lean.hooks.every(call => call.lean), event).to.equal(true)
      expect(lean.code, event).to.equal(3)
      expect({code: lean.code, stderr: lean.stderr, stdout: lean.stdout}, event).to.deep.equal({code: full.code, stderr: full.stderr, stdout: full.stdout})
    }
  })

  it('honours a third-party task format linked later, once the plugin set changed', () => {
    const extra = new Sandbox()
    try {
      extra.initProject()
      const {dir, slug: mission} = createMission(extra, '# Tasks\n\n## WP01\n- [ ] T001 built-in\nTASK-12: todo\n')
      extra.cli(['--version'])
      expect(extra.cli(['plugins', 'link', PROBE, '--no-install']).code).to.equal(0)
      expect(extra.cli(['plugins', 'link', EXAMPLE, '--no-install']).code).to.equal(0)
      extra.cli(['--version'])
      const probeLog = join(extra.dir, 'hooks.jsonl')
      const marked = extra.cli(['agent', 'tasks', 'mark-status', 'TASK-12', '--status', 'done', '--mission', mission, '--no-auto-commit', '--json'], {env: {HOOK_PROBE_LOG: probeLog}})
      expect(marked.code, marked.stdout + marked.stderr).to.equal(0)
      expect((parseJson(marked.stdout).results as Array<{format: string}>)[0].format).to.equal('task_status_line')
      expect(readFileSync(probeLog, 'utf8')).to.contain('"lean":true')
      expect(readText(join(dir, 'tasks.md'))).to.contain('TASK-12: done')
    } finally {
      extra.cleanup()
    }
  })

  it('sends everything to oclif while a plugin\'s own oclif hooks do not say they run lean', () => {
    const plain = join(sandbox.dir, 'plain-probe')
    mkdirSync(join(plain, 'hooks'), {recursive: true})
    for (const file of readdirSync(join(PROBE, 'hooks'))) copyFileSync(join(PROBE, 'hooks', file), join(plain, 'hooks', file))
    const pjson = JSON.parse(readFileSync(join(PROBE, 'package.json'), 'utf8'))
    pjson.name = 'spec-kitty-plugin-plain-probe'
    delete pjson['spec-kitty']
    writeFileSync(join(plain, 'package.json'), JSON.stringify(pjson))
    expect(sandbox.cli(['plugins', 'link', plain, '--no-install']).code).to.equal(0)
    try {
      const {lean} = both(['agent', 'tasks', 'status', '--mission', slug, '--json'])
      expect(lean.code).to.equal(0)
      expect(lean.hooks.length).to.be.greaterThan(0)
      expect(lean.hooks.every(call => !call.lean), 'oclif ran it').to.equal(true)
    } finally {
      expect(sandbox.cli(['plugins', 'unlink', 'spec-kitty-plugin-plain-probe']).code).to.equal(0)
    }

    const {lean} = both(['agent', 'tasks', 'status', '--mission', slug, '--json'])
    expect(lean.hooks.every(call => call.lean), 'lean again once it is gone').to.equal(true)
  })

  it('runs what oclif runs when a plugin brings a command of a lifecycle command\'s id', () => {
    expect(sandbox.cli(['plugins', 'link', SHADOW, '--no-install']).code).to.equal(0)
    try {
      const {full, lean} = both(['agent', 'tasks', 'status', '--mission', slug])
      expect(full.stdout, 'oclif keeps the core\'s command').to.contain(slug).and.not.contain('shadow')
      expect(lean.hooks.every(call => call.lean), 'and so does the lean launcher').to.equal(true)
      expect(lean.stdout).to.equal(full.stdout)
    } finally {
      expect(sandbox.cli(['plugins', 'unlink', 'spec-kitty-plugin-shadow']).code).to.equal(0)
    }
  })

  it('prints help recorded by a run on a terminal (styled there) exactly as oclif prints it on a pipe', () => {
    const fresh = new Sandbox()
    try {
      fresh.initProject()
      // As an interactive shell has it: CI set (even empty) makes oclif's colour check say no.
      const terminal: NodeJS.ProcessEnv = {...fresh.env, TERM: 'xterm-256color'}
      delete terminal.CI
      delete terminal.NO_COLOR
      // script(1) gives the first run (the one that records the snapshot) a terminal, where oclif styles headings.
      const recorded = spawnSync('script', ['-qc', `${JSON.stringify(process.execPath)} ${JSON.stringify(fresh.bin)} --help`, '/dev/null'], {cwd: fresh.repo, encoding: 'utf8', env: terminal})
      expect(recorded.stdout, 'styled on the terminal').to.contain('\u001B[1mUSAGE')
      for (const args of [['--help'], ['agent', 'tasks', 'status', '--help']]) {
        const lean = fresh.cli(args, {env: {NO_COLOR: ''}})
        expect(existsSync(join(fresh.dir, 'home', '.cache', 'spec-kitty', 'lean-code-cache')), `${args.join(' ')} ran on the lean launcher`).to.equal(true)
        const full = fresh.cli(args, {env: {NO_COLOR: '', SPEC_KITTY_LEAN: '0'}})
        expect(lean.stdout, args.join(' ')).to.equal(full.stdout).and.not.contain('\u001B')
      }
    } finally {
      fresh.cleanup()
    }
  })

  it('compiles through V8\'s code cache, and a damaged or foreign cache only costs a compile', () => {
    const folder = join(sandbox.dir, 'home', '.cache', 'spec-kitty', 'lean-code-cache')
    run(['--version']) // the snapshot holds: the next --version is the lean launcher's
    mkdirSync(folder, {recursive: true})
    // No cache for --version yet, so the run writes one; beside it a cache of an earlier build (an
    // upgrade) and a file that is no cache of ours.
    for (const name of readdirSync(folder).filter(file => file.endsWith('-version.bin'))) rmSync(join(folder, name))
    writeFileSync(join(folder, `0000000000000000-${process.version}-${process.arch}-version.bin`), 'old', {mode: 0o600})
    writeFileSync(join(folder, 'notes.txt'), 'kept')
    run(['--version'])
    expect(readdirSync(folder).filter(name => name.startsWith('0000')), 'another build\'s cache is removed').to.deep.equal([])
    expect(readdirSync(folder)).to.include('notes.txt')
    rmSync(join(folder, 'notes.txt'))
    const expected = run(['agent', 'tasks', 'status', '--mission', slug, '--json'])
    const names = readdirSync(folder)
    for (const kind of ['version', 'agent-tasks-status']) {
      expect(names.filter(name => new RegExp(`^[0-9a-f]{16}-${process.version}-${process.arch}-${kind}\\.bin$`).test(name)), kind).to.have.length(1)
    }

    const cache = join(folder, names.find(name => name.endsWith('-agent-tasks-status.bin'))!)
    expect(statSync(cache).mode % 0o1000).to.equal(0o600)
    for (const damage of [() => writeFileSync(cache, Buffer.alloc(4096, 7)), () => chmodSync(cache, 0o666), () => writeFileSync(cache, '')]) {
      damage()
      const result = run(['agent', 'tasks', 'status', '--mission', slug, '--json'])
      expect(result.hooks.every(call => call.lean)).to.equal(true)
      expect({code: result.code, stderr: result.stderr, stdout: result.stdout}).to.deep.equal({code: expected.code, stderr: expected.stderr, stdout: expected.stdout})
      expect(statSync(cache).size, 'written again').to.be.greaterThan(4096)
      expect(statSync(cache).mode % 0o1000).to.equal(0o600)
    }
  })
})
