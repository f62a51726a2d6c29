import type {ExecutionLane} from './lanes-manifest.js'

import {CliError} from '../output/cli-error.js'

/**
 * Execution lanes computed as Spec Kitty 3.2 computes them, so both tools write the same lanes.json
 * for the same plan. WPs share a lane only when their owned_files globs overlap. A dependency never
 * merges lanes: it becomes a lane-level `depends_on_lanes` edge, and lanes at the same depth of that
 * graph share a `parallel_group`. Planning-artifact WPs go to one `lane-planning` lane.
 */

export const PLANNING_LANE = 'lane-planning'

export interface Ownership {
  executionMode: string | undefined
  ownedFiles: string[]
}

export interface CollapseEvent {
  evidence: string
  rule: 'write_scope_overlap'
  wp_a: string
  wp_b: string
}

export interface LaneComputation {
  /** Absent when no lanes were merged (Python then omits the key). */
  collapseReport: undefined | {by_rule: Record<string, number>; events: CollapseEvent[]; independent_wps_collapsed: number; total_merges: number}
  lanes: ExecutionLane[]
  planningArtifactWps: string[]
}

// Keyword (case-insensitive substring of the WP prompt body) → surface tag, in Python's order.
const SURFACE_KEYWORDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['dashboard', ['dashboard', 'landing page', 'landing-page']],
  ['workspace', ['workspace', 'mission workspace']],
  ['app-shell', ['app shell', 'app-shell', 'navigation', 'sidebar', 'layout']],
  ['legacy-cleanup', ['legacy', 'cleanup', 'deprecat', 'remov']],
  ['tests', ['test suite', 'test infrastructure', 'e2e test', 'integration test']],
  ['tracker-integration', ['tracker', 'saas', 'sync']],
  ['artifact-rendering', ['artifact', 'render', 'template']],
  ['api', ['api', 'endpoint', 'route', 'view']],
]

export function inferSurfaces(body: string): string[] {
  const lower = body.toLowerCase()
  return SURFACE_KEYWORDS.filter(([, keywords]) => keywords.some(keyword => lower.includes(keyword))).map(([surface]) => surface)
}

/** Python's fnmatch (POSIX): `*` and `?` cross `/`, `[...]`/`[!...]` classes, the rest literal. */
function fnmatch(name: string, pattern: string): boolean {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    switch (ch) {
    case '*': {
      source += '.*'
      break
    }

    case '?': {
      source += '.'
      break
    }

    case '[': {
      const close = pattern.indexOf(']', pattern[i + 1] === '!' ? i + 3 : i + 2)
      if (close === -1) {
        source += String.raw`\[`
        break
      }

      let body = pattern.slice(i + 1, close).replaceAll('\\', '\\\\')
      if (body.startsWith('!')) body = '^' + body.slice(1)
      else if (body.startsWith('^')) body = '\\' + body
      // A `]` right after `[` (or `[!`) is a member, as in Python's re; in a JS class it would end
      // an empty class, so it is escaped.
      body = body.replace(/^(\^?)\]/, String.raw`$1\]`)
      source += `[${body}]`
      i = close
      break
    }

    default: {
      source += ch.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
    }
    }
  }

  return new RegExp(`^${source}$`, 's').test(name)
}

function globPrefix(pattern: string): string {
  for (const suffix of ['/**', '/*', '**', '*']) if (pattern.endsWith(suffix)) return pattern.slice(0, -suffix.length)
  return pattern
}

/** Whether two owned_files globs can name a common path (Python's heuristic, kept identical). */
export function globsOverlap(a: string, b: string): boolean {
  if (a === b) return true
  const prefixA = globPrefix(a)
  const prefixB = globPrefix(b)
  if (prefixA && prefixB && (prefixB.startsWith(prefixA) || prefixA.startsWith(prefixB))) return true
  return fnmatch(prefixB, a) || fnmatch(prefixA, b)
}

/** Python's `repr` of a str, as it appears in the evidence text. */
function pyRepr(value: string): string {
  if (value.includes("'") && !value.includes('"')) return `"${value.replaceAll('\\', '\\\\')}"`
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", String.raw`\'`)}'`
}

/** Kahn's algorithm, smallest ready id first (Python's `topological_sort`). */
function topologicalOrder(members: string[], deps: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const inside = new Set(members)
  const pending = new Map(members.map(id => [id, [...(deps.get(id) ?? [])].filter(dep => inside.has(dep)).length]))
  const ready = members.filter(id => pending.get(id) === 0).sort()
  const order: string[] = []
  while (ready.length > 0) {
    const id = ready.shift()!
    order.push(id)
    for (const dependent of members.filter(other => deps.get(other)?.has(id)).sort()) {
      const left = pending.get(dependent)! - 1
      pending.set(dependent, left)
      if (left === 0) {
        ready.push(dependent)
        ready.sort()
      }
    }
  }

  return order
}

const lowest = (ids: string[]): string => [...ids].sort()[0]

function laneId(index: number): string {
  // Python runs past "z" into punctuation; from the 27th lane on we append a number instead.
  return `lane-${String.fromCodePoint(97 + (index % 26))}${index >= 26 ? Math.floor(index / 26) : ''}`
}

class UnionFind {
  private readonly parent: Map<string, string>

  constructor(ids: string[]) {
    this.parent = new Map(ids.map(id => [id, id]))
  }

  rootOf(id: string): string {
    let root = id
    while (this.parent.get(root) !== root) root = this.parent.get(root)!
    this.parent.set(id, root)
    return root
  }

  /** Groups in first-member order, each listing members in input order. */
  groups(): string[][] {
    const byRoot = new Map<string, string[]>()
    for (const id of this.parent.keys()) byRoot.set(this.rootOf(id), [...(byRoot.get(this.rootOf(id)) ?? []), id])
    return [...byRoot.values()]
  }

  union(a: string, b: string): void {
    this.parent.set(this.rootOf(b), this.rootOf(a))
  }
}

function transitiveDeps(deps: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const reach = new Map<string, Set<string>>()
  const visit = (id: string, seen: Set<string>): Set<string> => {
    const known = reach.get(id)
    if (known) return known
    if (seen.has(id)) return new Set()
    seen.add(id)
    const all = new Set(deps.get(id) ?? [])
    for (const dep of deps.get(id) ?? []) for (const further of visit(dep, seen)) all.add(further)
    seen.delete(id)
    reach.set(id, all)
    return all
  }

  for (const id of deps.keys()) visit(id, new Set())
  return reach
}

/** Each lane's depth in the lane graph (0 without upstream lanes); the graph is acyclic by now. */
function laneDepths(laneIds: string[], laneDeps: ReadonlyMap<string, ReadonlySet<string>>): Map<string, number> {
  const depths = new Map<string, number>()
  const depth = (id: string): number => {
    if (!depths.has(id)) {
      const upstream = [...(laneDeps.get(id) ?? [])]
      depths.set(id, upstream.length === 0 ? 0 : 1 + Math.max(...upstream.map(dep => depth(dep))))
    }

    return depths.get(id)!
  }

  for (const id of laneIds) depth(id)
  return depths
}

function assertAcyclic(laneDeps: ReadonlyMap<string, ReadonlySet<string>>): void {
  const state = new Map<string, 'done' | 'open'>()
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return
    if (state.get(id) === 'open') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' -> ')
      throw new CliError('lane_cycle', `The execution lanes depend on each other in a cycle: ${cycle}.`, {
        remediation: 'Work packages that share owned files are put in one lane; adjust their dependencies or owned_files so the lanes can run in order, then finalize again.',
      })
    }

    state.set(id, 'open')
    for (const dep of [...(laneDeps.get(id) ?? [])].sort()) visit(dep, [...path, id])
    state.set(id, 'done')
  }

  for (const id of laneDeps.keys()) visit(id, [])
}

export function computeLanes(
  wpIds: readonly string[],
  deps: ReadonlyMap<string, ReadonlySet<string>>,
  ownership: ReadonlyMap<string, Ownership>,
  bodies: ReadonlyMap<string, string>,
): LaneComputation {
  const all = [...wpIds].sort()
  const planning = all.filter(id => ownership.get(id)?.executionMode === 'planning_artifact')
  const code = all.filter(id => !planning.includes(id))
  const own = (id: string): Ownership => ownership.get(id) ?? {executionMode: undefined, ownedFiles: []}
  const uf = new UnionFind(code)
  const events: CollapseEvent[] = []

  for (const [i, a] of code.entries()) {
    for (const b of code.slice(i + 1)) {
      const pairs = own(a).ownedFiles.flatMap(globA => own(b).ownedFiles.filter(globB => globsOverlap(globA, globB)).map(globB => `${pyRepr(globA)} vs ${pyRepr(globB)}`))
      if (pairs.length === 0) continue
      if (uf.rootOf(a) !== uf.rootOf(b)) {
        const dependency = deps.get(a)?.has(b) ? `${a} depends on ${b}` : (deps.get(b)?.has(a) ? `${b} depends on ${a}` : undefined)
        const overlap = `overlapping globs: ${pairs.join(', ')}`
        events.push({
          evidence: dependency ? `${overlap}; ${dependency}` : overlap, rule: 'write_scope_overlap', wp_a: a, wp_b: b,
        })
      }

      uf.union(a, b)
    }
  }

  // Python also unions WPs that share a predicted surface when their ownership is not disjoint; but
  // ownership that is not disjoint has an overlapping glob pair, which the loop above already united,
  // so that rule can never add a merge and is not repeated here. Surfaces are still reported per lane.
  const surfaces = new Map(code.map(id => [id, inferSurfaces(bodies.get(id) ?? '')]))
  const groups = uf.groups().sort((x, y) => (lowest(x) < lowest(y) ? -1 : 1))
  const codeLanes = groups.map((members, index) => {
    const ordered = topologicalOrder(members, deps)
    return {
      lane_id: laneId(index),
      wp_ids: ordered,
      write_scope: [...new Set(ordered.flatMap(id => own(id).ownedFiles))].sort(),
      predicted_surfaces: [...new Set(ordered.flatMap(id => surfaces.get(id)!))].sort(),
    }
  })

  const laneOf = new Map<string, string>()
  for (const lane of codeLanes) for (const id of lane.wp_ids) laneOf.set(id, lane.lane_id)
  for (const id of planning) laneOf.set(id, PLANNING_LANE)
  const laneDeps = new Map<string, Set<string>>(codeLanes.map(lane => [lane.lane_id, new Set()]))
  if (planning.length > 0) laneDeps.set(PLANNING_LANE, new Set())
  for (const id of [...code, ...planning]) {
    for (const dep of deps.get(id) ?? []) {
      const depLane = laneOf.get(dep)
      if (depLane && depLane !== laneOf.get(id)) laneDeps.get(laneOf.get(id)!)!.add(depLane)
    }
  }

  assertAcyclic(laneDeps)
  const depths = laneDepths([...laneDeps.keys()], laneDeps)
  const lanes: ExecutionLane[] = codeLanes.map(lane => ({
    ...lane, depends_on_lanes: [...laneDeps.get(lane.lane_id)!].sort(), parallel_group: depths.get(lane.lane_id)!,
  }))
  if (planning.length > 0) {
    lanes.push({
      lane_id: PLANNING_LANE,
      wp_ids: planning,
      write_scope: [...new Set(planning.flatMap(id => own(id).ownedFiles))].sort(),
      predicted_surfaces: ['planning'],
      depends_on_lanes: [...laneDeps.get(PLANNING_LANE)!].sort(),
      parallel_group: depths.get(PLANNING_LANE)!,
    })
  }

  lanes.sort((x, y) => x.parallel_group - y.parallel_group || (x.lane_id < y.lane_id ? -1 : 1))
  return {collapseReport: code.length > 0 ? collapseReport(events, deps) : undefined, lanes, planningArtifactWps: planning}
}

function collapseReport(events: CollapseEvent[], deps: ReadonlyMap<string, ReadonlySet<string>>): LaneComputation['collapseReport'] {
  if (events.length === 0) return undefined
  const reach = transitiveDeps(deps)
  const byRule: Record<string, number> = {}
  for (const event of events) byRule[event.rule] = (byRule[event.rule] ?? 0) + 1
  return {
    events,
    total_merges: events.length,
    independent_wps_collapsed: events.filter(e => !reach.get(e.wp_a)?.has(e.wp_b) && !reach.get(e.wp_b)?.has(e.wp_a)).length,
    by_rule: byRule,
  }
}
