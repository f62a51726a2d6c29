import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {CLI, Sandbox} from '../support/sandbox.js'

/** The CLI on a pseudo-terminal (util-linux `script`), its stdin fed from `input`. */
function atTerminal(sandbox: Sandbox, args: string, input: string): {code: number; output: string} {
  const result = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" ${args}`, '/dev/null'], {
    cwd: sandbox.repo, encoding: 'utf8', env: sandbox.env, input, timeout: 30_000,
  })
  return {code: result.status ?? -1, output: result.stdout}
}

const hasScript = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0

describe('init at a terminal asks which agents to install', () => {
  let sandbox: Sandbox

  before(function () {
    // util-linux `script` gives the CLI a terminal; without it there is no terminal to test.
    if (!hasScript) this.skip()
  })

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.git(['init', '-q'])
  })

  afterEach(() => sandbox.cleanup())

  it('takes numbers and names, records them and installs their commands', () => {
    const {code, output} = atTerminal(sandbox, 'init', '3, gemini\n')
    expect(code, output).to.equal(0)
    expect(output).to.include('Which coding agents do you use?').and.include(' 3) claude')
    expect(readFileSync(join(sandbox.repo, '.kittify', 'config.yaml'), 'utf8')).to.match(/available:\n\s+- claude\n\s+- gemini\n/)
    expect(existsSync(join(sandbox.repo, '.claude', 'commands', 'spec-kitty.plan.md'))).to.equal(true)
    expect(existsSync(join(sandbox.repo, '.gemini', 'commands', 'spec-kitty.plan.toml'))).to.equal(true)
  })

  it('an empty answer, an unknown name or --json: nothing asked or written beyond the usual refusal', () => {
    const empty = atTerminal(sandbox, 'init', '\n')
    expect(empty.code, empty.output).to.equal(2)
    const unknown = atTerminal(sandbox, 'init', 'claude,notepad\n')
    expect(unknown.code).to.equal(2)
    expect(unknown.output).to.include('Unknown agent "notepad"')
    const json = atTerminal(sandbox, 'init --json', '3\n')
    expect(json.code).to.equal(2)
    expect(json.output).to.include('agents_required')
    expect(json.output).not.to.include('Which coding agents')
    expect(existsSync(join(sandbox.repo, '.kittify'))).to.equal(false)
  })

  it('outside a git repository it refuses before asking anything', () => {
    const outside = new Sandbox()
    try {
      const {code, output} = atTerminal(outside, 'init', '3\n')
      expect(code).to.equal(1)
      expect(output).to.include('not inside a git repository')
      expect(output).not.to.include('Which coding agents')
    } finally {
      outside.cleanup()
    }
  })
})
