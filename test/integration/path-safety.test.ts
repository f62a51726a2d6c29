import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'

import {assertSafeBranchName} from '../../src/core/git/branch-name.js'
import {assertSafeHandle} from '../../src/core/mission/mission-handle.js'
import {CliError} from '../../src/core/output/cli-error.js'
import {shellQuote} from '../../src/core/output/shell-quote.js'
import {assertSafeTaskIds} from '../../src/core/tasks/task-id.js'
import {repositoryFingerprint} from '../support/merge-fixtures.js'
import {createMission} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

/** Values that must never reach a path or a shell. NUL cannot travel in argv, so it is tested on the validators. */
const HOSTILE = ['..', '../x', 'a/../b', '/etc/passwd', '$(touch pwned)', '`touch pwned`', 'x;touch pwned', 'x|cat', 'x&y', 'a b', "it's", '"q"', '*', '~', 'x>y', '-rf', 'x\ny']

/** The CLI runs take the kinds of hostility (traversal, absolute path, substitution, separators, quotes, option). */
const CLI_VALUES = ['..', '../x', '/etc/passwd', '$(touch pwned)', 'x;touch pwned', 'a b', "it's", '-rf']

/** Every command argument that names something on disk or in git, and the code it is refused with. */
const SURFACES: Array<{code: string; args: (value: string) => string[]}> = [
  {args: v => ['agent', 'tasks', 'status', '--mission', v], code: 'invalid_handle'},
  {args: v => ['agent', 'tasks', 'list-tasks', '--mission', v], code: 'invalid_handle'},
  {args: v => ['agent', 'mission', 'finalize-tasks', '--mission', v], code: 'invalid_handle'},
  {args: v => ['merge', '--dry-run', '--mission', v], code: 'invalid_handle'},
  {args: v => ['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', v], code: 'invalid_handle'},
  {args: v => ['agent', 'tasks', 'move-task', v, '--to', 'claimed'], code: 'invalid_wp_id'},
  {args: v => ['implement', v], code: 'invalid_wp_id'},
  {args: v => ['agent', 'tasks', 'mark-status', 'T001', v, '--status', 'done'], code: 'invalid_task_id'},
  {args: v => ['agent', 'mission', 'create', v], code: 'invalid_slug'},
  {args: v => ['agent', 'mission', 'create', 'demo', '--target-branch', v], code: 'invalid_branch'},
  {args: v => ['merge', '--dry-run', '--mission', 'demo', '--target', v], code: 'invalid_branch'},
]

/** True when `check` throws a usage-error CliError (exit 2). */
function refused(check: () => void): boolean {
  try {
    check()
  } catch (error) {
    return error instanceof CliError && error.exitCode === 2
  }

  return false
}

describe('path safety', function () {
  this.timeout(300_000)

  describe('validators (NUL included)', () => {
    it('refuse every hostile value and NUL, and accept the ordinary forms', () => {
      for (const value of [...HOSTILE, 'a\0b', 'WP01\0']) {
        expect(refused(() => assertSafeHandle(value)), `handle ${JSON.stringify(value)}`).to.equal(true)
        expect(refused(() => assertSafeTaskIds([value])), `task id ${JSON.stringify(value)}`).to.equal(true)
        expect(refused(() => assertSafeBranchName(value, '--target')), `branch ${JSON.stringify(value)}`).to.equal(true)
      }

      // Nested paths are fine for a branch, never for a mission handle or a task id.
      expect(refused(() => assertSafeHandle('a/b/c'))).to.equal(true)
      expect(refused(() => assertSafeTaskIds(['a/b/T001']))).to.equal(true)

      for (const ok of ['demo-widgets-01J9ZK3M', '01J9ZK3M', '042-legacy.v2']) expect(refused(() => assertSafeHandle(ok)), ok).to.equal(false)
      expect(refused(() => assertSafeTaskIds(['T001', 'T037b', 'wp02', 'demo-01J9ZK3M/T001', 'demo:WP01', 'TASK-12']))).to.equal(false)
      for (const ok of ['main', 'feature/widgets', 'release-1.2', 'kitty/mission-demo-lane-a']) expect(refused(() => assertSafeBranchName(ok, '--target')), ok).to.equal(false)
    })
  })

  describe('through the CLI', () => {
    let sandbox: Sandbox
    let outside: string

    before(() => {
      sandbox = new Sandbox()
      sandbox.initProject()
      createMission(sandbox)
      outside = join(sandbox.dir, 'not-a-project')
      mkdirSync(outside)
    })

    after(() => sandbox.cleanup())

    it(`refuses hostile values on ${SURFACES.length} arguments before looking at the disk, changing nothing`, async () => {
      const before = repositoryFingerprint(sandbox)
      // Every value on every argument, half run in a plain folder (a command that looked for the
      // project first would say not_a_project there) and half in the project; four at a time.
      const runs = SURFACES.flatMap(surface => CLI_VALUES.map((value, i) => ({cwd: i % 2 === 0 ? outside : sandbox.repo, surface, value})))
      for (let start = 0; start < runs.length; start += 4) {
        // eslint-disable-next-line no-await-in-loop -- bounded parallelism on two cores
        await Promise.all(runs.slice(start, start + 4).map(async ({cwd, surface, value}) => {
          const result = await sandbox.cliAsync([...surface.args(value), '--json'], {cwd})
          const label = `${surface.args(value).join(' ')} (in ${cwd === outside ? 'a plain folder' : 'the project'})`
          expect(result.code, `${label}\n${result.stdout}${result.stderr}`).to.equal(2)
          const document = parseJson(result.stdout)
          assertSchema('error', document)
          // A value that looks like an option ("-rf") is already refused by the flag parser.
          const codes = value.startsWith('-') ? [surface.code, 'usage_error'] : [surface.code]
          expect((document.error as {code: string}).code, label).to.be.oneOf(codes)
        }))
      }

      expect(runs.length).to.equal(SURFACES.length * CLI_VALUES.length)
      expect(repositoryFingerprint(sandbox)).to.equal(before)
      expect(readdirSync(outside)).to.deep.equal([])
      expect(readdirSync(sandbox.repo)).not.to.include('pwned')
    })
  })

  describe('remediations are safe to paste', () => {
    let awkward: Sandbox

    before(() => {
      // A project whose path has a space, a quote and a dollar sign.
      awkward = new Sandbox({repoName: "it's my $HOME repo"})
      awkward.initProject()
    })

    after(() => awkward.cleanup())

    const paste = (remediation: string, cwd: string) => spawnSync('sh', ['-c', remediation.replace(/ \(.*\)$/, '')], {cwd, encoding: 'utf8', env: awkward.env})

    it('quotes quoting-hostile shellQuote input so that sh reads it back verbatim', () => {
      for (const value of [...HOSTILE, '', "a'b'c", 'tab\there', 'new\nline']) {
        const echoed = spawnSync('sh', ['-c', `printf %s ${shellQuote(value)}`], {encoding: 'utf8'})
        expect(echoed.stdout, JSON.stringify(value)).to.equal(value)
      }
    })

    it('the "cd" printed inside a lane worktree lands in the primary checkout', () => {
      const {slug} = createMission(awkward)
      const implemented = awkward.cli(['implement', 'WP01', '--mission', slug, '--json'])
      expect(implemented.code, implemented.stderr).to.equal(0)
      const worktree = String(parseJson(implemented.stdout).workspace_path)
      const refused = awkward.cli(['merge', '--mission', slug, '--json'], {cwd: worktree})
      const {remediation} = parseJson(refused.stdout).error as {remediation: string}
      const landed = paste(`${remediation} && pwd -P`, worktree)
      expect(landed.status, landed.stderr).to.equal(0)
      expect(landed.stdout.trim()).to.equal(awkward.repo)
    })

    it('the "git checkout" printed for a broken meta.json restores it', () => {
      const {primaryDir, slug} = createMission(awkward, undefined, {}, 'meta-check')
      const metaPath = join(primaryDir, 'meta.json')
      const good = readFileSync(metaPath, 'utf8')
      writeFileSync(metaPath, '{broken')
      const refused = awkward.cli(['agent', 'tasks', 'status', '--mission', slug, '--json'])
      expect(refused.code).to.equal(1)
      const {code, remediation} = parseJson(refused.stdout).error as {code: string; remediation: string}
      expect(code).to.equal('invalid_meta')
      const command = remediation.slice(remediation.indexOf('git checkout'))
      const restored = paste(command, awkward.repo)
      expect(restored.status, restored.stderr).to.equal(0)
      expect(readFileSync(metaPath, 'utf8')).to.equal(good)
    })
  })
})
