import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {
  dirname, join, normalize, relative,
} from 'node:path'

import {REPO_ROOT} from '../support/sandbox.js'

/**
 * The core's folders form a one-way graph (issue #15): a folder imports only folders below it.
 * Orchestrators that need several domains (finalize-tasks, implement, move-task, mark-status,
 * mission create, accept) live in src/app, which the core never imports.
 */
const RANK: Record<string, number> = {
  output: 0, io: 1, git: 2, agents: 2, project: 3, mission: 4, tasks: 5, status: 6, workflow: 6, merge: 7,
}
const SRC = join(REPO_ROOT, 'src')

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** `core/status`, `core` (a file at the core's root), `app`, `commands`, ... for a path under src/. */
function area(path: string): string {
  const parts = relative(SRC, path).split('/')
  if (parts[0] === 'core') return parts.length > 2 ? `core/${parts[1]}` : 'core'
  return parts.length > 1 ? parts[0] : 'src'
}

function coreImports(): Array<{from: string; to: string; where: string}> {
  return sources(join(SRC, 'core')).flatMap(file => [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map(([, spec]) => ({
    from: area(file), to: area(normalize(join(dirname(file), spec))), where: `${relative(REPO_ROOT, file)} → ${spec}`,
  })))
}

describe('architecture: the core is a one-way graph', () => {
  it('every core folder has a rank, and imports only folders ranked below it', () => {
    const imports = coreImports()
    expect(imports.length, 'no import was read: the test would prove nothing').to.be.greaterThan(100)
    const folders = new Set(imports.map(edge => edge.from).filter(name => name.startsWith('core/')))
    for (const folder of folders) expect(RANK, `${folder} has no rank`).to.have.property(folder.slice(5))
    const upward = imports.filter(edge => edge.from.startsWith('core/') && edge.to.startsWith('core/') && edge.from !== edge.to && RANK[edge.to.slice(5)] >= RANK[edge.from.slice(5)])
    expect(upward.map(edge => edge.where)).to.deep.equal([])
  })

  it('the core never imports the use cases, the commands, the dashboard or the CLI glue', () => {
    const outward = coreImports().filter(edge => !edge.to.startsWith('core') && edge.to !== 'api')
    expect(outward.map(edge => edge.where)).to.deep.equal([])
  })
})
