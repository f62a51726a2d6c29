import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {fileTreeFingerprint} from '../support/fingerprint.js'
import {readyMission, repositoryFingerprint} from '../support/merge-fixtures.js'
import {createMission, TWO_WP_TASKS} from '../support/missions.js'
import {expectError, refusedWithoutChange} from '../support/refusals.js'
import {CLI, parseJson, Sandbox} from '../support/sandbox.js'

/**
 * Repositories as they arrive in a pull request: every mission file is hostile. Each case is a
 * defect an adversarial pass reproduced; each must now be a typed refusal that touches nothing,
 * inside the project or outside it.
 */
describe('hostile repositories: nothing outside its place is touched', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let slug: string
  let dir: string
  /** A folder beside the repository, standing for the rest of the user's disk. */
  let outside: string

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject();
    // Without a coordination branch, so each hostile file is the one every command reads (the
    // coordination topology's own hostile value has its test below).
    ({dir, slug} = createMission(sandbox, TWO_WP_TASKS, {'WP01-setup.md': '---\nwork_package_id: WP01\ntitle: Setup\nsubtasks: [T001, T002]\n---\n# WP01\n'}, 'demo-widgets', {legacy: true}))
    outside = join(sandbox.dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'id_rsa'), 'PRIVATE KEY\n')
  })

  afterEach(() => sandbox.cleanup())

  const editMeta = (change: Record<string, unknown>) => {
    const path = join(dir, 'meta.json')
    writeFileSync(path, JSON.stringify({...JSON.parse(readFileSync(path, 'utf8')), ...change}, null, 2) + '\n')
    sandbox.git(['commit', '-qam', 'hostile meta'])
  }

  const editLanes = (change: Record<string, unknown>) => {
    const path = join(dir, 'lanes.json')
    writeFileSync(path, JSON.stringify({...JSON.parse(readFileSync(path, 'utf8')), ...change}, null, 2) + '\n')
    sandbox.git(['commit', '-qam', 'hostile lanes'])
  }

  it('a mission_id of "../../.." never becomes a folder that merge --abort or a merge deletes', () => {
    editMeta({mission_id: '../../..'})
    for (const args of [['merge', '--mission', slug, '--abort'], ['merge', '--mission', slug, '--dry-run'], ['merge', '--mission', slug]]) {
      refusedWithoutChange(sandbox, args, 'invalid_meta')
    }

    expect(existsSync(join(sandbox.repo, '.git'))).to.equal(true)
    expect(readFileSync(join(outside, 'id_rsa'), 'utf8')).to.equal('PRIVATE KEY\n')
  })

  it('a coordination_branch that is an option or a path never reaches git, and a folder at its worktree path is never used', () => {
    for (const value of ['-m', '--output=x', '../../x']) {
      editMeta({coordination_branch: value})
      for (const args of [['agent', 'tasks', 'status', '--mission', slug], ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug]]) {
        refusedWithoutChange(sandbox, args, 'invalid_meta')
      }
    }

    // A folder at the worktree path that is not the coordination worktree (here: files a pull
    // request committed there) is refused, not read: git would walk up from it to the primary.
    const branch = `kitty/mission-${slug}`
    sandbox.git(['branch', branch])
    editMeta({coordination_branch: branch})
    sandbox.write(`.worktrees/${slug}-coord/kitty-specs/${slug}/status.events.jsonl`, '')
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug], 'coordination_worktree_mismatch')
  })

  it('a merge runtime folder that is a link out of the project is refused, never deleted through', () => {
    const id = String(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).mission_id)
    mkdirSync(join(sandbox.repo, '.kittify', 'runtime', 'merge'), {recursive: true})
    writeFileSync(join(outside, 'state.json'), JSON.stringify({
      completed_lanes: [], mission_branch: 'kitty/x', phase: 'lanes', target_branch: 'main',
    }))
    symlinkSync(outside, join(sandbox.repo, '.kittify', 'runtime', 'merge', id))
    expectError(sandbox.cli(['merge', '--mission', slug, '--abort', '--json']), 'symlink_refused')
    expect(readdirSync(outside).sort()).to.deep.equal(['id_rsa', 'state.json'])
  })

  it('a WP prompt file linked to a secret is never read, rewritten or committed', () => {
    const prompt = join(dir, 'tasks', 'WP01-setup.md')
    rmSync(prompt)
    symlinkSync(join(outside, 'id_rsa'), prompt)
    sandbox.git(['add', '-A'])
    sandbox.git(['commit', '-qm', 'link'])
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--agent', 'claude'], 'symlink_refused')
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'status', '--mission', slug], 'symlink_refused')
    expect(readFileSync(join(outside, 'id_rsa'), 'utf8')).to.equal('PRIVATE KEY\n')
    expect(sandbox.git(['log', '-p', '--all'])).not.to.contain('PRIVATE KEY')
  })

  it('an event log that is a link (live or dangling) is never appended through', () => {
    const log = join(dir, 'status.events.jsonl')
    const target = join(outside, 'log.jsonl')
    writeFileSync(target, readFileSync(log))
    rmSync(log)
    symlinkSync(target, log)
    const before = readFileSync(target, 'utf8')
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--agent', 'claude', '--no-auto-commit'], 'symlink_refused')
    expect(readFileSync(target, 'utf8')).to.equal(before)
    rmSync(target)
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--agent', 'claude', '--no-auto-commit'], 'symlink_refused')
    expect(existsSync(target), 'a dangling link must not create its target').to.equal(false)
  })

  it('a review-cycle folder linked out of the mission is refused before anything is written', () => {
    for (const to of ['claimed', 'in_progress']) expect(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', to, '--mission', slug, '--agent', 'claude']).code).to.equal(0)
    expect(sandbox.cli(['agent', 'tasks', 'mark-status', 'WP01', '--status', 'done', '--mission', slug]).code).to.equal(0)
    expect(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'for_review', '--mission', slug, '--agent', 'claude']).code).to.equal(0)
    symlinkSync(outside, join(dir, 'tasks', 'WP01-setup'))
    const feedback = join(sandbox.dir, 'feedback.md')
    writeFileSync(feedback, 'Please fix the schema.\n')
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', 'planned', '--mission', slug, '--agent', 'reviewer', '--review-feedback-file', feedback], 'symlink_refused')
    expect(readdirSync(outside)).to.deep.equal(['id_rsa'])
  })

  it('branch names from lanes.json and meta.json never reach git as options', () => {
    const branch = sandbox.git(['branch', '--show-current'])
    editLanes({mission_branch: '-m'})
    refusedWithoutChange(sandbox, ['implement', 'WP01', '--mission', slug], 'invalid_lanes_manifest')
    expect(sandbox.git(['branch', '--show-current'])).to.equal(branch)
    sandbox.git(['checkout', '-q', 'HEAD~1', '--', join(dir, 'lanes.json')])
    sandbox.git(['commit', '-qam', 'restore lanes'])
    const written = join(sandbox.dir, 'written-by-git')
    editMeta({target_branch: `--output=${written}`})
    refusedWithoutChange(sandbox, ['merge', '--mission', slug, '--dry-run'], 'invalid_meta')
    refusedWithoutChange(sandbox, ['implement', 'WP01', '--mission', slug], 'invalid_meta')
    expect(existsSync(written), 'the dry run wrote a file through git --output').to.equal(false)
  })

  it('a full disk (the file-size limit) fails mark-status and move-task with disk_full, files whole', () => {
    // 60 rows, about 3 KB; the limit lets the temp file start but not finish.
    const rows = Array.from({length: 60}, (_, i) => `- [ ] T${String(i + 1).padStart(3, '0')} ${'subtask text '.repeat(3)}`).join('\n')
    sandbox.write(`kitty-specs/${slug}/tasks.md`, `# Tasks\n\n## Work Package WP01: Setup\n\n${rows}\n`)
    sandbox.git(['commit', '-qam', 'sixty rows'])
    const limited = (args: string[], bytes: number) => {
      // Python sets RLIMIT_FSIZE in bytes, then becomes the CLI (SIGXFSZ stays ignored across exec).
      const result = spawnSync('python3', ['-c', 'import os,resource,sys; n=int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_FSIZE,(n,n)); os.execv(sys.argv[2], sys.argv[2:])', String(bytes), process.execPath, CLI, ...args, '--json'], {cwd: sandbox.repo, encoding: 'utf8', env: sandbox.env})
      return {code: result.status ?? -1, stderr: result.stderr, stdout: result.stdout}
    }

    const tasks = readFileSync(join(dir, 'tasks.md'))
    const mark = limited(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug, '--no-auto-commit'], 1500)
    expectError(mark, 'disk_full')
    expect(readFileSync(join(dir, 'tasks.md')).equals(tasks), 'tasks.md must be exactly as before').to.equal(true)

    // The log can grow by 100 bytes: an event (about 400) is cut short, and must be cut back.
    const log = readFileSync(join(dir, 'status.events.jsonl'))
    const move = limited(['agent', 'tasks', 'move-task', 'WP02', '--to', 'claimed', '--mission', slug, '--agent', 'claude', '--no-auto-commit'], log.length + 100)
    expectError(move, 'disk_full')
    expect(readFileSync(join(dir, 'status.events.jsonl')).equals(log), 'the log must not end in a torn line').to.equal(true)
    expect(readdirSync(dir).filter(name => name.endsWith('.tmp'))).to.deep.equal([])
    const again = sandbox.cli(['agent', 'tasks', 'move-task', 'WP02', '--to', 'claimed', '--mission', slug, '--agent', 'claude', '--no-auto-commit', '--json'])
    expect(again.code, again.stdout).to.equal(0)
  })

  it('an event dated in the future is reported instead of a move that would not take effect', () => {
    const log = join(dir, 'status.events.jsonl')
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n')
    const last = JSON.parse(lines.at(-1)!)
    lines.push(JSON.stringify({...last, at: '2999-01-01T00:00:00+00:00', event_id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ'}))
    writeFileSync(log, lines.join('\n') + '\n')
    sandbox.git(['commit', '-qam', 'future event'])
    const wp = String(last.wp_id)
    refusedWithoutChange(sandbox, ['agent', 'tasks', 'move-task', wp, '--to', 'claimed', '--mission', slug, '--agent', 'claude'], 'event_log_from_future')
  })

  it('an event log that is a FIFO or a folder is a typed error, not a hang or internal_error', () => {
    const log = join(dir, 'status.events.jsonl')
    rmSync(log)
    expect(spawnSync('mkfifo', [log]).status).to.equal(0)
    const fifo = spawnSync(process.execPath, [CLI, 'agent', 'tasks', 'status', '--mission', slug, '--json'], {
      cwd: sandbox.repo, encoding: 'utf8', env: sandbox.env, timeout: 20_000,
    })
    expect(fifo.signal, 'status hung on the FIFO').to.equal(null)
    expectError({code: fifo.status ?? -1, stderr: fifo.stderr, stdout: fifo.stdout}, 'not_a_regular_file')
    rmSync(log)
    mkdirSync(log)
    expectError(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']), 'not_a_regular_file')
  })

  it('tasks.md in Latin-1 keeps the bytes of every line mark-status did not edit', () => {
    const latin1 = Buffer.concat([Buffer.from('# Tâches\n\n## Work Package WP01: Mise en place\n\n- [ ] T001 Schéma\n- [ ] T002 Données\n', 'latin1')])
    writeFileSync(join(dir, 'tasks.md'), latin1)
    const result = sandbox.cli(['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug, '--no-auto-commit', '--json'])
    expect(result.code, result.stdout).to.equal(0)
    const after = readFileSync(join(dir, 'tasks.md'))
    expect(after.equals(Buffer.from(latin1.toString('latin1').replace('- [ ] T001', '- [x] T001'), 'latin1'))).to.equal(true)
    expect(after.includes(Buffer.from([0xEF, 0xBF, 0xBD])), 'no U+FFFD').to.equal(false)
  })

  it('a byte-order mark does not hide a prompt file\'s frontmatter', () => {
    writeFileSync(join(dir, 'tasks', 'WP02-docs.md'), '\uFEFF---\nwork_package_id: WP02\ntitle: Docs from the frontmatter\nsubtasks: [T003, T009]\n---\n# WP02\n')
    const list = sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json'])
    expect(list.code, list.stdout).to.equal(0)
    const wp02 = (parseJson(list.stdout).work_packages as Array<{id: string; subtasks: {total: number}; title: string}>).find(wp => wp.id === 'WP02')
    expect(wp02?.title).to.equal('Docs from the frontmatter')
  })

  it('an empty folder at a lane worktree path becomes the lane worktree; any other folder is refused', () => {
    const worktree = join(sandbox.repo, '.worktrees', `${slug}-lane-a`)
    mkdirSync(worktree, {recursive: true})
    const implemented = sandbox.cli(['implement', 'WP01', '--mission', slug, '--json'])
    expect(implemented.code, implemented.stdout).to.equal(0)
    expect(sandbox.git(['branch', '--show-current'], worktree)).to.equal(`kitty/mission-${slug}-lane-a`)

    const other = createMission(sandbox, TWO_WP_TASKS, {}, 'other-widgets')
    const occupied = join(sandbox.repo, '.worktrees', `${other.slug}-lane-a`)
    mkdirSync(occupied, {recursive: true})
    writeFileSync(join(occupied, 'notes.txt'), 'mine\n')
    refusedWithoutChange(sandbox, ['implement', 'WP01', '--mission', other.slug], 'worktree_path_occupied')
  })

  it('a repository owned by another user is unsafe_repository, not a detached HEAD', function () {
    const {uid} = statSync(sandbox.repo)
    if (process.getuid?.() !== 0) this.skip() // only root can hand the repository to another user
    chownRecursive(sandbox.repo, 4242)
    try {
      expectError(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--json'], {env: {GIT_CONFIG_GLOBAL: '/dev/null'}}), 'unsafe_repository')
    } finally {
      chownRecursive(sandbox.repo, uid)
    }
  })

  it('a merge declined by a git hook is merge_failed in git\'s words, not a conflict', () => {
    const other = new Sandbox()
    try {
      other.initProject()
      const ready = readyMission(other)
      writeFileSync(join(other.repo, '.git', 'hooks', 'pre-merge-commit'), '#!/bin/sh\necho "hook says no" >&2\nexit 1\n', {mode: 0o755})
      const merged = other.cli(['merge', '--mission', ready.slug, '--json'])
      expectError(merged, 'merge_failed')
      expect(String((parseJson(merged.stdout).error as {message: string}).message)).to.contain('hook says no')
    } finally {
      other.cleanup()
    }
  })

  it('a corrupt meta.json fails only its own mission, never the others', () => {
    const other = createMission(sandbox, TWO_WP_TASKS, {}, 'other-widgets')
    writeFileSync(join(other.primaryDir, 'meta.json'), '{"mission_id": ')
    const status = sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json'])
    expect(status.code, status.stdout).to.equal(0)
    expect(sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--agent', 'claude', '--json']).code).to.equal(0)
    expectError(sandbox.cli(['agent', 'tasks', 'status', '--mission', other.slug, '--json']), 'invalid_meta')
  })

  it('the files outside the project are exactly as before after every refusal above', () => {
    // The same walk in one repository, fingerprinting the rest of the disk around it.
    const before = fileTreeFingerprint(outside)
    editMeta({mission_id: '../../../outside'})
    refusedWithoutChange(sandbox, ['merge', '--mission', slug, '--abort'], 'invalid_meta')
    expect(fileTreeFingerprint(outside)).to.equal(before)
    expect(repositoryFingerprint(sandbox)).to.contain('refs/heads/')
  })
})

function chownRecursive(path: string, uid: number): void {
  chownSync(path, uid, uid)
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownRecursive(join(path, name), uid)
}
