import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {ERROR_CODES} from '../../src/core/output/error-codes.js'
import {REPO_ROOT} from '../support/sandbox.js'
import {assertSchema, schemaNames} from '../support/schemas.js'

const doc = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

const SOURCES = [join(REPO_ROOT, 'src'), ...readdirSync(join(REPO_ROOT, 'plugins')).map(p => join(REPO_ROOT, 'plugins', p, 'src'))].flatMap(dir => sourceFiles(dir))

/**
 * Every error code the source can put in front of a user, found the ways codes are written:
 * `new CliError('code'`, `usageError('code'`, `refuse('code'`, plugin-sync's `runtime().error` and
 * `SyncFailure`, a conditional `x ? 'a' : 'b'`, a code passed last to gitOk/gitWithIndex/inWorkspace/moveBranch, a default
 * `code = '…'`, a problem's `code: '…'` (finalize-tasks), and every `'sync.…'` literal (diagnostic codes).
 */
function errorCodes(): Set<string> {
  const forms = [
    /(?:new CliError|usageError|refuse|runtime\(\)\.error|new SyncFailure)\(\s*(?:\w+\s*\?\s*)?'([a-z][\d._a-z]*)'(?:\s*:\s*'([a-z][\d._a-z]*)')?/g,
    /\b(?:gitOk|gitWithIndex|inWorkspace|moveBranch)\([^\n]*,\s*'([a-z][\d_a-z]*)'\)/g,
    /\bcode = '([a-z][\d_a-z]*)'/g,
    /\bcode: '([a-z][\d_a-z]*)'/g,
    /'(sync\.[_a-z]+)'/g,
  ]
  const codes = new Set<string>()
  for (const file of SOURCES) {
    const text = readFileSync(file, 'utf8')
    for (const form of forms) for (const match of text.matchAll(form)) for (const code of [match[1], match[2]]) if (code) codes.add(code)
  }

  return codes
}

/** Preflight check ids of plugin-merge: the blocker ids a merge can report. */
function blockerIds(): Set<string> {
  const checks = join(REPO_ROOT, 'plugins', 'plugin-merge', 'src', 'checks')
  return new Set(readdirSync(checks).flatMap(file => [...readFileSync(join(checks, file), 'utf8').matchAll(/\bid: '([_a-z]+)'/g)].map(m => m[1])))
}

describe('docs match the product', () => {
  it('docs/commands.md is the current output of scripts/command-reference.js', () => {
    const check = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'command-reference.js'), '--check'], {cwd: REPO_ROOT, encoding: 'utf8'})
    expect(check.status, check.stderr).to.equal(0)
  })

  it('docs/troubleshooting.md explains every error code and every merge blocker, and nothing that does not exist', () => {
    const codes = errorCodes()
    const blockers = blockerIds()
    // A floor, so that a regex broken by a refactor cannot make this test pass on an empty set.
    expect(codes.size).to.be.greaterThan(60)
    expect(blockers.size).to.be.greaterThan(8)
    const text = doc('troubleshooting.md')
    const documented = new Set([...text.matchAll(/^### `([^`]+)`$/gm)].map(m => m[1]))
    const documentedBlockers = new Set([...text.matchAll(/^#### blocker `([^`]+)`$/gm)].map(m => m[1]))
    expect([...codes].filter(code => !documented.has(code)), 'codes missing from troubleshooting.md').to.deep.equal([])
    // The table the CLI takes exit codes from holds exactly the documented codes.
    expect(Object.keys(ERROR_CODES).sort(), 'error-codes.ts against troubleshooting.md').to.deep.equal([...documented].sort())
    expect([...documented].filter(code => !codes.has(code)), 'documented codes the CLI never prints').to.deep.equal([])
    expect([...blockers].filter(id => !documentedBlockers.has(id)), 'blockers missing').to.deep.equal([])
    expect([...documentedBlockers].filter(id => !blockers.has(id)), 'documented blockers that do not exist').to.deep.equal([])
  })

  it('docs/exit-codes.md lists every code of the error-code table, as scripts/error-code-reference.js writes it', () => {
    const check = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'error-code-reference.js'), '--check'], {cwd: REPO_ROOT, encoding: 'utf8'})
    expect(check.status, check.stderr).to.equal(0)
  })

  it('a code raised through usageError() is one the table calls bad usage (exit 2)', () => {
    const raised = SOURCES.flatMap(file => [...readFileSync(file, 'utf8').matchAll(/\busageError\(\s*'([a-z][\d._a-z]*)'/g)].map(m => m[1]))
    expect(raised.length).to.be.greaterThan(10)
    expect(raised.filter(code => ERROR_CODES[code]?.exit !== 2)).to.deep.equal([])
  })

  it('docs/json-contracts.md: every sample matches its schema, and every schema has a sample', () => {
    const samples = [...doc('json-contracts.md').matchAll(/<!-- schema: ([\w-]+) -->\n```json\n([\s\S]*?)\n```/g)]
    expect(samples.length).to.be.greaterThan(15)
    for (const [, schema, json] of samples) assertSchema(schema, JSON.parse(json))
    const covered = new Set(samples.map(m => m[1]))
    expect(schemaNames().filter(name => !covered.has(name)), 'schemas without a sample').to.deep.equal([])
  })

  it('docs link to pages that exist', () => {
    const pages = new Set(readdirSync(join(REPO_ROOT, 'docs')).filter(name => name.endsWith('.md')))
    for (const page of pages) {
      for (const [, target] of doc(page).matchAll(/\]\(([\w-]+\.md)(?:#[\w-]*)?\)/g)) expect(pages.has(target), `${page} links to ${target}`).to.equal(true)
    }
  })
})
