import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {createMission} from '../support/missions.js'
import {REPO_ROOT, Sandbox} from '../support/sandbox.js'

interface ManifestCommand {
  description?: string
  examples?: string[]
  summary?: string
}

/** Our own commands (the core's and plugin-sync's), in the order a mission's life runs them. */
const LIFE_ORDER = ['init', 'agent:mission:create', 'agent:mission:setup-plan', 'agent:mission:finalize-tasks', 'agent:tasks:list-tasks', 'agent:tasks:status', 'agent:tasks:move-task', 'agent:tasks:mark-status', 'next', 'implement', 'agent:workflow:implement', 'agent:workflow:review', 'accept', 'merge', 'auth:login', 'auth:status', 'sync:status', 'sync:watch', 'sync:now', 'auth:logout', 'dashboard']

function ownCommands(): Map<string, ManifestCommand> {
  const manifests = [join(REPO_ROOT, 'oclif.manifest.json'), join(REPO_ROOT, 'plugins', 'plugin-sync', 'oclif.manifest.json')]
  return new Map(manifests.flatMap(path => Object.entries((JSON.parse(readFileSync(path, 'utf8')) as {commands: Record<string, ManifestCommand>}).commands)))
}

/**
 * Every example in `--help` is pasted into sh, as a user would, against a real project whose mission
 * stands in for the placeholder `demo-widgets-01J9ZK3M`. An example may fail on the state it finds
 * (a merge that is not ready exits 1) but must never be bad usage (exit 2) or a crash.
 */
describe('--help: every command has a summary, a description and examples that run', function () {
  this.timeout(180_000)
  let sandbox: Sandbox

  before(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
  })

  after(() => sandbox.cleanup())

  it('covers every command of the core and plugin-sync', () => {
    expect([...ownCommands().keys()].sort()).to.deep.equal([...LIFE_ORDER].sort())
    for (const [id, command] of ownCommands()) {
      expect(command.summary, `${id} summary`).to.be.a('string').and.not.equal('')
      expect(command.description, `${id} description`).to.be.a('string').and.not.equal('')
      expect(command.examples, `${id} examples`).to.be.an('array').that.is.not.empty
    }
  })

  it('runs every example, pasted into sh', () => {
    // `spec-kitty` on PATH is the built CLI; the examples' $TOKEN and $REFRESH are set.
    const env = sandbox.shellEnv({REFRESH: 'refresh-example', TOKEN: 'token-example'})
    const {slug} = createMission(sandbox)
    const mid8 = slug.slice(-8)
    sandbox.write('review.md', 'Please add tests.\n')
    const commands = ownCommands()
    let ran = 0
    for (const id of LIFE_ORDER) {
      for (const example of commands.get(id)!.examples!) {
        const line = example.replaceAll('<%= config.bin %>', 'spec-kitty').replaceAll('demo-widgets-01J9ZK3M', slug).replaceAll('01J9ZK3M', mid8)
        // The dashboard serves until it is stopped: given 5 s to print its URL, then SIGTERM, which it
        // answers by shutting down cleanly (exit 0).
        const serving = id === 'dashboard' && !line.includes('--stop')
        const result = spawnSync('sh', ['-c', serving ? `exec ${line}` : line], {
          cwd: sandbox.repo, encoding: 'utf8', env, killSignal: 'SIGTERM', timeout: serving ? 5000 : 60_000,
        })
        expect(result.status, `${line}\n${result.stdout}${result.stderr}`).to.be.oneOf([0, 1])
        if (serving && result.status === 0) expect(result.stdout, line).to.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\da-f]{64}/)
        expect(result.stdout + result.stderr, line).not.to.match(/internal_error|usage_error|Unexpected error/)
        if (line.includes('--json')) expect(() => JSON.parse(result.stdout), `${line}: one JSON document`).not.to.throw()
        ran++
      }
    }

    expect(ran).to.be.greaterThan(LIFE_ORDER.length)
  })
})
