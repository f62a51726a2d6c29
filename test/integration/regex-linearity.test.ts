import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import {join} from 'node:path'
import {Worker} from 'node:worker_threads'
import ts from 'typescript'

import {createMission} from '../support/missions.js'
import {CLI, REPO_ROOT, Sandbox} from '../support/sandbox.js'

/**
 * Every regular expression that reads file content must run in linear time: mission files arrive in
 * pull requests, and one line of `| - |` plus 3,000 spaces once held the mission lock for 153 s.
 * Each literal in the product's source is run against 10,000-character adversarial lines, in a worker
 * that is terminated if a pattern hangs; the parsers (which also build patterns at run time) are run
 * on whole documents of such lines.
 */
const BUDGET_MS = 50

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

function regexLiterals(): Array<{flags: string; source: string; where: string}> {
  const roots = [join(REPO_ROOT, 'src'), ...readdirSync(join(REPO_ROOT, 'plugins')).map(p => join(REPO_ROOT, 'plugins', p, 'src'))]
  const found: Array<{flags: string; source: string; where: string}> = []
  for (const file of roots.flatMap(root => sourceFiles(root))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(source)
        const end = text.lastIndexOf('/')
        const {line} = source.getLineAndCharacterOfPosition(node.getStart(source))
        found.push({flags: text.slice(end + 1), source: text.slice(1, end), where: `${file.slice(REPO_ROOT.length + 1)}:${line + 1}`})
      }

      ts.forEachChild(node, visit)
    }

    visit(source)
  }

  return found
}

/** Lines that drive backtracking patterns into their worst case: long runs and alternations. */
function adversarialLines(length = 10_000): string[] {
  const singles = [' ', '\t', '-', '|', ':', '*', '[', ']', 'T', '0', 'a', '.', '/', '_', '#', '`', '\\', '(', '"', '=', '\u00A0', '–']
  const pairs = [' -', '- ', '| ', ' |', '|-', '**', 'T0', '0 ', ', ', '- [', '[ ]', ' :', 'a ', String.raw`\|`, ' \t']
  const lines: string[] = []
  for (const unit of [...singles, ...pairs]) {
    const run = unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
    lines.push(run, `${run}!`, `| - |${run}`, `| - |${run}x`, `- [ ] T001 ${run}x`, `**Subtasks**: T001${run}x`, `---\n${run}`)
  }

  return lines
}

const WORKER = `
const {parentPort, workerData} = require('node:worker_threads')
const slow = []
for (const {flags, source, where} of workerData.patterns) {
  const pattern = new RegExp(source, flags.replace('g', '').replace('y', ''))
  for (const [i, line] of workerData.lines.entries()) {
    const started = performance.now()
    pattern.exec(line)
    const ms = performance.now() - started
    if (ms > workerData.budget) slow.push({ms: Math.round(ms), where, line: i})
  }
  parentPort.postMessage({done: where})
}
parentPort.postMessage({slow})
`

describe('regular expressions on file content run in linear time', function () {
  this.timeout(120_000)

  it('every regex literal in src/ and plugins/*/src takes under 50 ms on 10,000-character adversarial lines', async () => {
    const patterns = regexLiterals()
    // A floor, so that a broken extractor cannot make this pass on nothing.
    expect(patterns.length).to.be.greaterThan(60)
    const lines = adversarialLines()
    const result = await new Promise<{hung?: string; slow?: Array<{line: number; ms: number; where: string}>}>(resolve => {
      const worker = new Worker(WORKER, {eval: true, workerData: {budget: BUDGET_MS, lines, patterns}})
      let last = '(none yet)'
      let timer = setTimeout(() => hang(), 10_000)
      const hang = () => {
        const index = patterns.findIndex(p => p.where === last)
        worker.terminate().catch(() => {})
        resolve({hung: patterns[index + 1]?.where ?? last})
      }

      worker.on('message', (message: {done?: string; slow?: Array<{line: number; ms: number; where: string}>}) => {
        if (message.done) {
          last = message.done
          clearTimeout(timer)
          timer = setTimeout(() => hang(), 10_000)
        } else {
          clearTimeout(timer)
          worker.terminate().catch(() => {})
          resolve({slow: message.slow})
        }
      })
    })
    expect(result.hung, 'a pattern did not finish within 10 s').to.equal(undefined)
    expect(result.slow, 'patterns over budget (where, adversarial line index, ms)').to.deep.equal([])
  })

  it('status and mark-status over a tasks.md of adversarial lines finish (patterns built at run time too)', () => {
    const sandbox = new Sandbox()
    try {
      sandbox.initProject()
      const {dir, slug} = createMission(sandbox)
      writeFileSync(join(dir, 'tasks.md'), ['# Tasks', '', '## Work Package WP01: x', '', '| ID | Status |', '|----|--------|', '| T001 | [ ] |', ...adversarialLines()].join('\n'))
      // In a subprocess with a deadline: a super-linear pattern would hang this process for hours.
      for (const args of [['agent', 'tasks', 'status', '--mission', slug, '--json'], ['agent', 'tasks', 'mark-status', 'T001', 'WP01', '--status', 'done', '--mission', slug, '--no-auto-commit', '--json']]) {
        const run = spawnSync(process.execPath, [CLI, ...args], {
          cwd: sandbox.repo, encoding: 'utf8', env: sandbox.env, timeout: 30_000,
        })
        expect(run.signal, `${args.slice(0, 3).join(' ')} did not finish within 30 s`).to.equal(null)
        expect(run.status, run.stdout).to.equal(0)
      }

      expect(readFileSync(join(dir, 'tasks.md'), 'utf8')).to.contain('| T001 | [D] |')
    } finally {
      sandbox.cleanup()
    }
  })
})
