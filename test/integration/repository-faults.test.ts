import {expect} from 'chai'
import {chmodSync, existsSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {createMission} from '../support/missions.js'
import {refusedWithoutChange} from '../support/refusals.js'
import {parseJson, Sandbox} from '../support/sandbox.js'

describe('hostile environments: each fault is a specific error, and nothing changes', function () {
  this.timeout(120_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
  })

  afterEach(() => {
    chmodSync(sandbox.repo, 0o755)
    sandbox.cleanup()
  })

  it('no git on PATH: git_not_found from every command that needs git; status still reads', () => {
    sandbox.initProject()
    const {slug} = createMission(sandbox)
    // PATH holds only an empty folder: node is started by its absolute path, git cannot be found.
    const empty = join(sandbox.dir, 'empty-path')
    mkdirSync(empty)
    const env = {PATH: empty}
    refusedWithoutChange(sandbox, ['agent', 'mission', 'create', 'other'], 'git_not_found', env)
    refusedWithoutChange(sandbox, ['implement', 'WP01', '--mission', slug], 'git_not_found', env)
    refusedWithoutChange(sandbox, ['merge', '--mission', slug, '--dry-run'], 'git_not_found', env)
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug], 'git_not_found', env)
    const status = sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json'], {env})
    expect(status.code, status.stderr).to.equal(0)
  })

  it('a repository with no commits: missions can be planned, but implement and merge say no_commits', () => {
    sandbox.git(['init', '-q', '-b', 'feature/widgets'])
    expect(sandbox.cli(['init', '--ai', 'claude', '--json']).code).to.equal(0)
    const created = sandbox.cli(['agent', 'mission', 'create', 'demo', '--json'])
    expect(created.code, created.stdout).to.equal(0)
    const slug = String(parseJson(created.stdout).mission_slug)
    sandbox.write(`kitty-specs/${slug}/tasks.md`, '# Tasks\n\n## WP01: A\n- [ ] T001 a\n')
    const finalized = sandbox.cli(['agent', 'mission', 'finalize-tasks', '--mission', slug, '--json'])
    expect(finalized.code, finalized.stdout).to.equal(0)
    expect(sandbox.git(['rev-list', '--all'])).to.equal('')
    refusedWithoutChange(sandbox, ['implement', 'WP01', '--mission', slug, '--no-auto-commit'], 'no_commits')
    refusedWithoutChange(sandbox, ['merge', '--mission', slug, '--dry-run'], 'no_commits')
    refusedWithoutChange(sandbox, ['merge', '--mission', slug], 'no_commits')
  })

  it('a detached HEAD: create and auto-committing commands say detached_head; --no-auto-commit still works', () => {
    sandbox.initProject()
    const coordinated = createMission(sandbox, undefined, undefined, 'coordinated')
    const {slug} = createMission(sandbox, undefined, undefined, 'demo-widgets', {legacy: true})
    sandbox.git(['checkout', '-q', '--detach'])
    // A coordination mission commits on its own branch: the primary checkout's HEAD does not matter.
    const elsewhere = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', coordinated.slug, '--json'])
    expect(elsewhere.code, elsewhere.stdout).to.equal(0)
    refusedWithoutChange(sandbox, ['agent', 'mission', 'create', 'other'], 'detached_head')
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug], 'detached_head')
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug], 'detached_head')
    const moved = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--no-auto-commit', '--json'])
    expect(moved.code, moved.stdout).to.equal(0)
  })

  it('a bare repository: init says bare_repository and writes nothing', () => {
    sandbox.git(['init', '-q', '--bare'])
    refusedWithoutChange(sandbox, ['init'], 'bare_repository')
    expect(existsSync(join(sandbox.repo, '.kittify'))).to.equal(false)
  })

  it('read-only files: read_only_file before the first write, with a pasteable chmod', () => {
    sandbox.initProject()
    const {dir, slug} = createMission(sandbox)
    chmodSync(join(dir, 'tasks.md'), 0o444)
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug], 'read_only_file')
    chmodSync(join(dir, 'tasks.md'), 0o644)
    // status.json is written after the event is appended: its being read-only must stop the append too.
    chmodSync(join(dir, 'status.json'), 0o444)
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug], 'read_only_file')
    const {remediation} = parseJson(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json']).stdout).error as {remediation: string}
    expect(remediation).to.match(/^Make it writable, then run the command again: chmod u\+w \S+status\.json$/)
    chmodSync(join(dir, 'status.json'), 0o644)
    // A read-only mission folder: nothing can be created in it.
    chmodSync(dir, 0o555)
    try {
      refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--no-auto-commit'], 'read_only_file')
    } finally {
      chmodSync(dir, 0o755)
    }
  })
})
