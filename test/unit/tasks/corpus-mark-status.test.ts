import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import type {TaskReferenceRegistry} from '../../../src/core/tasks/task-reference-registry.js'

import {planMarkStatus} from '../../../src/core/tasks/mark-status.js'
import {TaskDocument} from '../../../src/core/tasks/task-document.js'
import {loadMissionTasks} from '../../../src/core/tasks/tasks-file.js'
import {builtInRegistry} from '../../support/registry.js'
import {CORPUS, corpusMissions} from '../../support/sandbox.js'

let registry: TaskReferenceRegistry
before(async () => {
  registry = await builtInRegistry()
})

describe('mark-status on the 190-mission corpus', () => {
  it('resolves every prompt-file subtask id that tasks.md mentions, then reports all already_satisfied', () => {
    const perFormat: Record<string, number> = {}
    const unresolved: string[] = []
    let missions = 0
    let ids = 0
    for (const slug of corpusMissions()) {
      const dir = join(CORPUS, slug)
      if (!existsSync(join(dir, 'tasks.md'))) continue
      const tasks = loadMissionTasks(dir)
      const text = tasks.doc.text()
      // What agents pass: the ids in WP frontmatter `subtasks:` that tasks.md mentions at all.
      const wanted = [...new Set([...tasks.workPackages.values()].flatMap(wp => wp.subtasks))].filter(id =>
        new RegExp(`(?<![A-Za-z0-9])${id}(?![A-Za-z0-9])`, 'i').test(text))
      if (wanted.length === 0) continue
      missions++
      ids += wanted.length
      // Resolve through tasks.md alone (no prompt lists), so the count is about tasks.md formats.
      const doc = new TaskDocument(text)
      const first = planMarkStatus({
        doc, ids: wanted, laneOf() {}, missionSlug: slug, registry, status: 'done',
      })
      for (const r of first.results) {
        perFormat[r.format ?? 'not_found'] = (perFormat[r.format ?? 'not_found'] ?? 0) + 1
        if (r.outcome === 'not_found') unresolved.push(`${slug} ${r.id}: ${r.message}`)
      }

      const second = planMarkStatus({
        doc: first.doc, ids: wanted, laneOf() {}, missionSlug: slug, registry, status: 'done',
      })
      const notSatisfied = second.results.filter(r => r.outcome !== 'already_satisfied').map(r => `${slug} ${r.id}`)
      expect(notSatisfied, 'second run').to.deep.equal([])
    }

    console.log(`      corpus: ${ids} ids in ${missions} missions; per format ${JSON.stringify(perFormat)}`)
    expect(unresolved).to.deep.equal([])
    expect(ids).to.be.greaterThan(6000)
  })
})
