import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {pythonJsonLine} from '../../../src/core/io/python-json.js'
import {
  computeLanes, globsOverlap, inferSurfaces, type Ownership,
} from '../../../src/core/mission/lane-compute.js'
import {type LanesManifest, lanesManifestDocument} from '../../../src/core/mission/lanes-manifest.js'
import {dependencyGraph} from '../../../src/core/tasks/dependency-graph.js'
import {splitFrontmatter} from '../../../src/core/tasks/work-package-files.js'
import {CORPUS, CORPUS_ADDITIONS, corpusMissions} from '../../support/sandbox.js'

const graph = (edges: Record<string, string[]>): Map<string, Set<string>> => new Map(Object.entries(edges).map(([id, deps]) => [id, new Set(deps)]))
const owning = (files: Record<string, string[]>, planning: string[] = []): Map<string, Ownership> =>
  new Map(Object.entries(files).map(([id, owned]) => [id, {executionMode: planning.includes(id) ? 'planning_artifact' : 'code_change', ownedFiles: owned}]))
const keys = (value: unknown): string[] => Object.keys(value as object)
const shape = (lanes: LanesManifest['lanes']): unknown[] => lanes.map(l => [l.lane_id, l.wp_ids, l.write_scope, l.depends_on_lanes, l.parallel_group])
const lanesOf = (result: ReturnType<typeof computeLanes>): Array<[string, string[], string[], number]> =>
  result.lanes.map(lane => [lane.lane_id, lane.wp_ids, lane.depends_on_lanes, lane.parallel_group])

/** The collapse evidence when two WPs own the same file. */
const evidence = (file: string) => computeLanes(['WP01', 'WP02'], graph({WP01: [], WP02: []}), owning({WP01: [file], WP02: [file]}), new Map()).collapseReport!.events[0].evidence

describe('lane computation (as Spec Kitty 3.2 computes lanes.json)', () => {
  it('keeps a dependency chain in separate lanes joined by depends_on_lanes, one parallel group per depth', () => {
    const result = computeLanes(['WP01', 'WP02', 'WP03'], graph({WP01: [], WP02: ['WP01'], WP03: ['WP02']}), owning({WP01: ['a.ts'], WP02: ['b.ts'], WP03: ['c.ts']}), new Map())
    expect(lanesOf(result)).to.deep.equal([['lane-a', ['WP01'], [], 0], ['lane-b', ['WP02'], ['lane-a'], 1], ['lane-c', ['WP03'], ['lane-b'], 2]])
    expect(result.collapseReport).to.equal(undefined)
  })

  it('orders lanes by parallel group, then id, and a fan-in waits on every upstream lane', () => {
    const result = computeLanes(['WP01', 'WP02', 'WP03', 'WP04'], graph({
      WP01: [], WP02: ['WP01'], WP03: [], WP04: ['WP02', 'WP03'],
    }), owning({
      WP01: ['a'], WP02: ['b'], WP03: ['c'], WP04: ['d'],
    }), new Map())
    expect(lanesOf(result)).to.deep.equal([
      ['lane-a', ['WP01'], [], 0], ['lane-c', ['WP03'], [], 0], ['lane-b', ['WP02'], ['lane-a'], 1], ['lane-d', ['WP04'], ['lane-b', 'lane-c'], 2],
    ])
  })

  it('puts WPs whose owned globs overlap in one lane, in dependency order, and reports the collapse', () => {
    const result = computeLanes(['WP01', 'WP02', 'WP03'], graph({WP01: ['WP02'], WP02: [], WP03: []}), owning({WP01: ['src/x/**'], WP02: ['src/x/y.ts', 'README.md'], WP03: ['docs/a.md']}), new Map())
    expect(lanesOf(result)).to.deep.equal([['lane-a', ['WP02', 'WP01'], [], 0], ['lane-b', ['WP03'], [], 0]])
    expect(result.lanes[0].write_scope).to.deep.equal(['README.md', 'src/x/**', 'src/x/y.ts'])
    expect(result.collapseReport).to.deep.equal({
      by_rule: {write_scope_overlap: 1},
      events: [{
        evidence: "overlapping globs: 'src/x/**' vs 'src/x/y.ts'; WP01 depends on WP02", rule: 'write_scope_overlap', wp_a: 'WP01', wp_b: 'WP02',
      }],
      independent_wps_collapsed: 0,
      total_merges: 1,
    })
  })

  it('counts a collapse of two WPs with no dependency path between them as independent', () => {
    const result = computeLanes(['WP01', 'WP02', 'WP03'], graph({WP01: [], WP02: [], WP03: ['WP02']}), owning({WP01: ['same.ts'], WP02: ['x.ts'], WP03: ['same.ts']}), new Map())
    expect(result.collapseReport?.independent_wps_collapsed).to.equal(1)
    expect(lanesOf(result)).to.deep.equal([['lane-b', ['WP02'], [], 0], ['lane-a', ['WP01', 'WP03'], ['lane-b'], 1]])
  })

  it('gathers planning-artifact WPs in lane-planning, scheduled after the code lanes it depends on', () => {
    const result = computeLanes(['WP01', 'WP02', 'WP03'], graph({WP01: [], WP02: ['WP01'], WP03: []}), owning({WP01: ['src/a.ts'], WP02: ['docs/b.md'], WP03: ['docs/c.md']}, ['WP02', 'WP03']), new Map())
    expect(lanesOf(result)).to.deep.equal([['lane-a', ['WP01'], [], 0], ['lane-planning', ['WP02', 'WP03'], ['lane-a'], 1]])
    expect(result.lanes[1].predicted_surfaces).to.deep.equal(['planning'])
    expect(result.planningArtifactWps).to.deep.equal(['WP02', 'WP03'])
  })

  it('refuses lanes that would wait on each other (shared files against the dependency order)', () => {
    const deps = graph({WP01: [], WP02: ['WP01'], WP03: ['WP02']})
    expect(() => computeLanes(['WP01', 'WP02', 'WP03'], deps, owning({WP01: ['f'], WP02: ['g'], WP03: ['f']}), new Map())).to.throw('lane-a -> lane-b -> lane-a')
  })

  it('reads glob overlap the way Spec Kitty does', () => {
    expect(globsOverlap('src/**', 'src/context/x.py')).to.equal(true)
    expect(globsOverlap('src/a/*', 'src/a/b/c.py')).to.equal(true)
    expect(globsOverlap('docs/*.md', 'docs/guide.md')).to.equal(true)
    expect(globsOverlap('tests/test_[ab].py', 'tests/test_b.py')).to.equal(true)
    expect(globsOverlap('tests/test_[!ab].py', 'tests/test_b.py')).to.equal(false)
    expect(globsOverlap('src/a.py', 'src/b.py')).to.equal(false)
    expect(globsOverlap('src/a.py', 'src/a.pyc')).to.equal(true) // a prefix, as Python's heuristic says
    expect(globsOverlap('lib/x.(y).ts', 'lib/x.z.ts')).to.equal(false)
  })

  it('translates fnmatch patterns as Python does: ?, classes with ! and a leading ], a literal ^ and an unclosed [', () => {
    // Each expectation is Python's fnmatch.fnmatchcase(name, pattern) (checked with python3).
    const cases: Array<[string, string, boolean]> = [
      ['src/a?.ts', 'src/ab.ts', true],
      ['src/a?.ts', 'src/abc.ts', false],
      ['src/[^a].ts', 'src/^.ts', true],
      ['src/[^a].ts', 'src/b.ts', false],
      ['src/*[ab', 'src/q[ab', true],
      ['src/*[ab', 'src/qab', false],
      ['x/[]a].ts', 'x/].ts', true],
      ['x/[!]a].ts', 'x/].ts', false],
      ['x/[!]a].ts', 'x/b.ts', true],
      [String.raw`x/[\].ts`, String.raw`x/\.ts`, true],
      [String.raw`x/[\].ts`, 'x/a.ts', false],
    ]
    for (const [pattern, name, overlap] of cases) expect(globsOverlap(pattern, name), `${pattern} vs ${name}`).to.equal(overlap)
  })

  it('quotes globs in the collapse evidence as Python\'s repr does', () => {
    expect(evidence("it's.ts")).to.equal('overlapping globs: "it\'s.ts" vs "it\'s.ts"')
    expect(evidence('a\'b"c')).to.equal(String.raw`overlapping globs: 'a\'b"c' vs 'a\'b"c'`)
    expect(evidence(String.raw`a\b`)).to.equal(String.raw`overlapping globs: 'a\\b' vs 'a\\b'`)
  })

  it('names lanes a to z, then a1, b1, … past the 26th', () => {
    const ids = Array.from({length: 28}, (_, i) => `WP${String(i + 1).padStart(2, '0')}`)
    const result = computeLanes(ids, graph(Object.fromEntries(ids.map(id => [id, []]))), owning(Object.fromEntries(ids.map(id => [id, [`${id}.ts`]]))), new Map())
    const laneOf = (wp: string) => result.lanes.find(lane => lane.wp_ids.includes(wp))!.lane_id
    expect(['WP01', 'WP26', 'WP27', 'WP28'].map(wp => laneOf(wp))).to.deep.equal(['lane-a', 'lane-z', 'lane-a1', 'lane-b1'])
    expect(new Set(result.lanes.map(lane => lane.lane_id)).size).to.equal(28)
    expect(result.collapseReport).to.equal(undefined)
  })

  it('predicts surfaces by keyword, in taxonomy order', () => {
    expect(inferSurfaces('Render the dashboard TEMPLATE and add an API endpoint; remove legacy sync.')).to.deep.equal(['dashboard', 'legacy-cleanup', 'tracker-integration', 'artifact-rendering', 'api'])
    expect(inferSurfaces('Nothing to see')).to.deep.equal([])
  })

  it('writes lanes.json in Spec Kitty key order, unknown keys kept after the known ones', () => {
    const manifest = {
      zeta: 1,
      lanes: [{
        parallel_group: 0, depends_on_lanes: [], predicted_surfaces: [], write_scope: [], wp_ids: ['WP01'], lane_id: 'lane-a', extra: true,
      }],
      version: 1,
      target_branch: 'main',
      planning_artifact_wps: [],
      mission_slug: 's',
      mission_id: null,
      mission_branch: 'kitty/mission-s',
      computed_from: 'dependency_graph+ownership',
      computed_at: 't',
      collapse_report: {
        by_rule: {}, total_merges: 0, independent_wps_collapsed: 0, events: [{
          evidence: 'e', rule: 'r', wp_b: 'WP02', wp_a: 'WP01',
        }],
      },
    } as unknown as LanesManifest
    const text = lanesManifestDocument(manifest)
    const parsed = JSON.parse(text)
    expect(keys(parsed)).to.deep.equal(['version', 'mission_slug', 'mission_id', 'mission_branch', 'target_branch', 'lanes', 'computed_at', 'computed_from', 'planning_artifact_wps', 'collapse_report', 'zeta'])
    expect(keys(parsed.lanes[0])).to.deep.equal(['lane_id', 'wp_ids', 'write_scope', 'predicted_surfaces', 'depends_on_lanes', 'parallel_group', 'extra'])
    expect(keys(parsed.collapse_report)).to.deep.equal(['events', 'total_merges', 'independent_wps_collapsed', 'by_rule'])
    expect(keys(parsed.collapse_report.events[0])).to.deep.equal(['wp_a', 'wp_b', 'rule', 'evidence'])
    expect(text.endsWith('  "zeta": 1\n}\n')).to.equal(true)
  })
})

/**
 * The lanes.json Spec Kitty committed in the corpus, recomputed from the same mission. Eligible: the
 * lanes.json was computed by the current algorithm (on or after 2026-05-22; older ones merged lanes
 * by dependency) and the WPs' owned_files still equal the committed write scopes (otherwise the
 * inputs changed after finalize). Predicted surfaces are not compared: they come from the prompt
 * bodies, which grow an activity log after finalize.
 */
describe('lane computation against the corpus', () => {
  // Known differences, each with its reason; any other mismatch fails.
  const known: Record<string, string> = {
    'agent-profile-projection-plugin-production-01KV3NGS': 'WP03 gained a dependency on WP02 after finalize (lanes.json has lane-c depend on lane-a only)',
    'ci-topology-shrink-01KWQAVX': 'the committed write_scope of lane-f is not sorted: edited by hand after finalize',
    'execution-state-canonical-surface-01KTG6P9': 'Spec Kitty 3.2.0 wrote a cyclic lane graph (lane-b <-> lane-c); this CLI refuses it (lane_cycle), as newer Spec Kitty does',
    'single-authority-topology-cleanup-01KVRJ6P': 'cyclic lane graph in the committed inputs (lane-b <-> lane-c); refused as lane_cycle',
    'test-stabilization-and-debt-pass-01KSF9HJ': 'cyclic lane graph (lane-a <-> lane-planning); refused as lane_cycle',
  }

  it('recomputes the committed lanes of every eligible mission exactly', () => {
    let compared = 0
    const mismatched: string[] = []
    for (const corpus of [CORPUS, CORPUS_ADDITIONS]) {
      for (const name of corpusMissions(corpus)) {
        const dir = join(corpus, name)
        let committed: LanesManifest
        try {
          committed = JSON.parse(readFileSync(join(dir, 'lanes.json'), 'utf8')) as LanesManifest
        } catch {
          continue
        }

        const {ownership, tasks, wpIds} = dependencyGraph(dir)
        const events = (committed.collapse_report as undefined | {events: Array<{rule: string}>})?.events ?? []
        const drifted = committed.lanes.some(lane => pythonJsonLine([...new Set(lane.wp_ids.flatMap(id => ownership.get(id)?.ownedFiles ?? []))].sort()) !== pythonJsonLine([...lane.write_scope].sort()))
        if (committed.computed_at < '2026-05-22' || events.some(e => e.rule === 'dependency') || drifted) continue
        compared++
        // Spec Kitty's graph is the frontmatter's `dependencies` (finalize wrote them there).
        const deps = new Map(wpIds.map(id => [id, new Set(tasks.workPackages.get(id)?.dependencies ?? [])]))
        const bodies = new Map([...tasks.workPackages].map(([id, file]) => [id, splitFrontmatter(readFileSync(file.path, 'utf8')).body]))
        try {
          const result = computeLanes(wpIds, deps, ownership, bodies)
          const ours = [shape(result.lanes), result.planningArtifactWps, result.collapseReport ?? null]
          const theirs = [shape(committed.lanes), committed.planning_artifact_wps ?? [], committed.collapse_report ?? null]
          if (pythonJsonLine(ours) !== pythonJsonLine(theirs)) mismatched.push(name)
        } catch {
          mismatched.push(name)
        }
      }
    }

    expect(mismatched.filter(name => !(name in known)), 'missions whose lanes differ from the committed lanes.json').to.deep.equal([])
    expect(compared).to.be.greaterThan(80)
  })
})
