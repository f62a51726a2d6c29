import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readyMission} from '../support/merge-fixtures.js'
import {parseJson, REPO_ROOT, Sandbox} from '../support/sandbox.js'

interface Manifest {
  commands: Record<string, {examples?: string[]; summary?: string}>
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'oclif.manifest.json'), 'utf8')) as Manifest

/**
 * The release path: `npm run pack` (scripts/pack.js) of the built tree, then the tarball installed
 * into an empty directory with an empty npm cache and the registry pointed at a closed loopback
 * port. Whatever the installed CLI needs must be inside the tarball; no dev dependency exists there.
 */
describe('npm pack → offline install', function () {
  this.timeout(300_000)
  let work: string
  let installed: string
  let bin: string

  const run = (command: string, args: string[], cwd: string) => {
    const result = spawnSync(command, args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        npm_config_audit: 'false', npm_config_cache: join(work, 'empty-cache'), npm_config_fund: 'false', npm_config_registry: 'http://127.0.0.1:9/',
      },
      timeout: 240_000,
    })
    expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`).to.equal(0)
    return result.stdout
  }

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'spec-kitty-pack-'))
    run(process.execPath, [join(REPO_ROOT, 'scripts', 'pack.js'), '--pack-destination', work], REPO_ROOT)
    installed = join(work, 'install')
    mkdirSync(installed)
    const tarball = readdirSync(work).find(name => name.endsWith('.tgz'))
    if (!tarball) throw new Error(`npm pack left no tarball in ${work}`)
    run('npm', ['install', '--offline', join(work, tarball)], installed)
    bin = join(installed, 'node_modules', 'spec-kitty', 'bin', 'run.js')
  })

  after(() => rmSync(work, {force: true, recursive: true}))

  const packageDir = () => join(installed, 'node_modules', 'spec-kitty')

  it('ships the manifests generated at pack time, the core plugins and no dev dependency', () => {
    expect(Object.keys(manifest(packageDir()).commands)).to.include.members(['init', 'merge', 'implement', 'agent:tasks:mark-status'])
    expect(Object.keys(manifest(join(packageDir(), 'node_modules', '@spec-kitty', 'plugin-sync')).commands)).to.include.members(['sync:now', 'auth:login'])
    const shipped = readdirSync(join(packageDir(), 'node_modules'))
    expect(shipped).to.include.members(['@oclif', '@spec-kitty', 'ws', 'yaml', 'ulid'])
    const development = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies as Record<string, string>)
    for (const name of development) expect(existsSync(join(packageDir(), 'node_modules', name)), name).to.equal(false)
    expect(existsSync(join(installed, 'node_modules', 'typescript'))).to.equal(false)
  })

  it('answers --help for every command it lists, with a summary and examples', () => {
    const sandbox = new Sandbox({bin})
    try {
      const ids = [packageDir(), join(packageDir(), 'node_modules', '@spec-kitty', 'plugin-sync')].flatMap(dir => Object.keys(manifest(dir).commands))
      for (const id of [...ids, 'plugins', 'autocomplete']) {
        const help = sandbox.cli([...id.split(':'), '--help'])
        expect(help.code, `${id} --help\n${help.stderr}`).to.equal(0)
        expect(help.stdout, id).to.match(/USAGE[\s\S]*EXAMPLES/)
      }
    } finally {
      sandbox.cleanup()
    }
  })

  it('runs a whole mission, sync and completion from the installed copy', () => {
    const sandbox = new Sandbox({bin})
    try {
      sandbox.initProject()
      const {slug} = readyMission(sandbox)
      const json = (args: string[]) => {
        const result = sandbox.cli([...args, '--json'])
        expect(result.code, `${args.join(' ')}\n${result.stdout}${result.stderr}`).to.equal(0)
        return parseJson(result.stdout)
      }

      expect(json(['agent', 'tasks', 'status', '--mission', slug])).to.have.property('mission_slug', slug)
      expect(json(['agent', 'tasks', 'list-tasks', '--mission', slug])).to.have.property('tasks')
      expect(json(['merge', '--mission', slug, '--dry-run'])).to.have.property('ready', true)
      expect(json(['merge', '--mission', slug])).to.have.property('merged', true)
      expect(json(['sync', 'status'])).to.have.property('enabled', false)
      expect(json(['auth', 'status'])).to.have.property('logged_in', false)
      const completion = sandbox.cli(['autocomplete', 'bash'])
      expect(completion.code, completion.stderr).to.equal(0)
      expect(completion.stdout).to.contain('spec-kitty autocomplete')
      const plugins = sandbox.cli(['plugins'])
      expect(plugins.code, plugins.stderr).to.equal(0)
    } finally {
      sandbox.cleanup()
    }
  })
})
