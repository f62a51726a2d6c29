import {expect} from 'chai'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {Worker} from 'node:worker_threads'
import ts from 'typescript'

import {planMarkStatus} from '../../src/core/tasks/mark-status.js'
import {TaskDocument} from '../../src/core/tasks/task-document.js'
import {builtInRegistry} from '../support/registry.js'
import {REPO_ROOT} from '../support/sandbox.js'

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
    lines.push(run, `${run}!`, `| - |${run}`, `- [ ] T001 ${run}x`, `**Subtasks**: T001${run}`, `---\n${run}`)
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

  it('status and mark-status over a tasks.md of adversarial lines stay fast (patterns built at run time too)', async () => {
    const registry = await builtInRegistry()
    const lines = adversarialLines()
    const doc = new TaskDocument(['# Tasks', '', '## Work Package WP01: x', '', '| ID | Status |', '|----|--------|', '| T001 | [ ] |', ...lines].join('\n'), new Map())
    const started = performance.now()
    const plan = planMarkStatus({
      doc, ids: ['T001', 'WP01', 'T002'], laneOf: () => 'planned', missionSlug: 'x', registry, status: 'done',
    })
    const ms = performance.now() - started
    expect(plan.results.map(r => r.outcome)).to.deep.equal(['updated', 'already_satisfied', 'not_found'])
    // About 400 lines of 10,000 characters (4 MB): a linear pass is a fraction of a second.
    expect(ms, `${Math.round(ms)} ms`).to.be.lessThan(5000)
  })
})
