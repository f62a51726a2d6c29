import {expect} from 'chai'
import {
  existsSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'
import {parse as parseToml} from 'smol-toml'
import {parse as parseYaml} from 'yaml'

import {AGENTS, renderCommand} from '../../src/core/agents/agent-formats.js'
import {STEP_TEMPLATES} from '../../src/core/agents/command-templates.js'
import {refusedWithoutChange} from '../support/refusals.js'
import {parseJson, REPO_ROOT, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

const STEPS = STEP_TEMPLATES.map(t => t.step)

/** The frontmatter of a markdown command file, parsed as YAML. */
function frontmatter(text: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text)
  expect(match, 'no frontmatter').to.not.equal(null)
  return parseYaml(match![1]) as Record<string, unknown>
}

interface ManifestCommand {
  flags: Record<string, unknown>
}

/** `spec-kitty a b --x "y z"` → words, quotes respected. */
const words = (line: string): string[] => [...line.matchAll(/"[^"]*"|\S+/g)].map(m => m[0])

describe('init installs the slash commands of each agent, in its own format', function () {
  this.timeout(60_000)
  let sandbox: Sandbox

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.git(['init', '-q', '-b', 'main'])
  })

  afterEach(() => sandbox.cleanup())

  it('init --ai claude,codex,gemini,copilot writes the four sets, each file valid in its format', () => {
    const result = sandbox.cli(['init', '--ai', 'claude,codex,gemini,copilot', '--json'])
    expect(result.code, result.stdout).to.equal(0)
    const doc = parseJson(result.stdout)
    assertSchema('init', doc)
    expect(doc.agents).to.deep.equal(['claude', 'codex', 'gemini', 'copilot'])
    expect((doc.files as {written: string[]}).written).to.have.length(4 * STEPS.length)
    for (const step of STEPS) {
      const claude = readFileSync(join(sandbox.repo, '.claude/commands', `spec-kitty.${step}.md`), 'utf8')
      expect(frontmatter(claude).description).to.be.a('string')
      expect(claude).to.contain('$ARGUMENTS').and.not.contain('{ARGS}')
      const gemini = parseToml(readFileSync(join(sandbox.repo, '.gemini/commands', `spec-kitty.${step}.toml`), 'utf8'))
      expect(gemini.description).to.be.a('string')
      expect(gemini.prompt).to.be.a('string').and.contain('{{args}}')
      const copilot = readFileSync(join(sandbox.repo, '.github/prompts', `spec-kitty.${step}.prompt.md`), 'utf8')
      expect(frontmatter(copilot).description).to.be.a('string')
      const skill = frontmatter(readFileSync(join(sandbox.repo, '.agents/skills', `spec-kitty-${step}`, 'SKILL.md'), 'utf8'))
      expect(skill.name).to.equal(`spec-kitty-${step}`)
      expect(skill.description).to.be.a('string')
    }

    expect(parseYaml(readFileSync(join(sandbox.repo, '.kittify/config.yaml'), 'utf8')).agents.available).to.deep.equal(['claude', 'codex', 'gemini', 'copilot'])
    expect(existsSync(join(sandbox.repo, '.gitignore')), 'agent folders are ignored only when asked').to.equal(false)
  })

  it('a re-run refreshes what it wrote and keeps a file the user edited, writing the new version beside it', () => {
    expect(sandbox.cli(['init', '--ai', 'claude']).code).to.equal(0)
    const edited = join(sandbox.repo, '.claude/commands/spec-kitty.implement.md')
    writeFileSync(edited, 'my own implement command\n')
    const again = parseJson(sandbox.cli(['init', '--json']).stdout)
    const files = again.files as Record<string, string[]>
    expect(files.kept_edited).to.deep.equal(['.claude/commands/spec-kitty.implement.md'])
    expect(files.unchanged).to.have.length(STEPS.length - 1)
    expect(readFileSync(edited, 'utf8')).to.equal('my own implement command\n')
    expect(readFileSync(`${edited}.new`, 'utf8')).to.contain('spec-kitty agent workflow implement WP01')
    // Adding an agent later records it and installs its set; the edited file is still kept.
    const more = parseJson(sandbox.cli(['init', '--ai', 'claude,cursor', '--gitignore-agents', '--json']).stdout)
    expect((more.files as Record<string, string[]>).written).to.have.length(STEPS.length)
    expect(readFileSync(edited, 'utf8')).to.equal('my own implement command\n')
    expect(readFileSync(join(sandbox.repo, '.gitignore'), 'utf8')).to.equal('/.claude/commands/\n/.cursor/commands/\n')
  })

  it('the first init without --ai, or with an unknown agent, is bad usage and writes nothing', () => {
    refusedWithoutChange(sandbox, ['init'], 'agents_required', {}, 2)
    refusedWithoutChange(sandbox, ['init', '--ai', 'claude,vim'], 'unknown_agent', {}, 2)
    expect(readdirSync(sandbox.repo)).to.deep.equal(['.git'])
  })

  it('every spec-kitty command line in the templates names a real command and real flags, for every agent', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}
    const seen = new Set<string>()
    for (const agent of AGENTS) {
      for (const template of STEP_TEMPLATES) {
        const {content} = renderCommand(agent, template)
        for (const [, line] of content.matchAll(/`(spec-kitty [^`]+)`/g)) {
          const tokens = words(line).slice(1)
          let id = ''
          for (let n = tokens.length; n > 0 && !id; n--) {
            const candidate = tokens.slice(0, n).join(':')
            if (manifest.commands[candidate]) id = candidate
          }

          expect(id, `"${line}" in ${template.step} names no command`).to.not.equal('')
          for (const token of tokens.filter(t => t.startsWith('--'))) {
            const flag = token.slice(2).split('=')[0]
            expect(manifest.commands[id].flags, `"${line}": ${id} has no --${flag}`).to.have.property(flag)
          }

          seen.add(id)
        }
      }
    }

    // The lifecycle the steps walk, end to end.
    expect([...seen]).to.include.members(['agent:mission:create', 'agent:mission:finalize-tasks', 'agent:mission:setup-plan', 'agent:tasks:move-task', 'agent:workflow:implement', 'agent:workflow:review', 'agent:tasks:mark-status', 'agent:tasks:list-tasks', 'agent:tasks:status', 'merge'])
  })
})
