import type {Ownership} from '../mission/lane-compute.js'

import {CliError} from '../output/cli-error.js'
import {loadMissionTasks, type MissionTasks} from './tasks-file.js'

/**
 * The plan's dependency graph: prompt frontmatter `dependencies` plus `Depends on WP01` lines of
 * tasks.md, with the problems met reading it. Finalize-tasks reports the problems; implement, next,
 * the sync events and the dashboard read the graph.
 */

const DEPENDS = /(?:depends\s+on|\*\*dependencies\*\*\s*:|dependencies\s*:)(.*)$/i

/** A problem of the plan that finalize-tasks reports, every one of them at once. */
export interface PlanningProblem {
  code: string
  message: string
  remediation: string
}

/** One error for all the problems: the first one's code, every problem in the message and in `problems`. */
export function planningError(problems: readonly PlanningProblem[]): CliError {
  const [first] = problems
  const message = problems.length === 1 ? first.message : `${problems.length} problems in the plan: ${problems.map((p, i) => `(${i + 1}) ${p.message}`).join(' ')}`
  return new CliError(first.code, message, {
    fields: {problems: problems.map(p => ({code: p.code, message: p.message, remediation: p.remediation}))},
    remediation: problems.length === 1 ? first.remediation : 'Fix each of them (see problems), then run finalize-tasks again.',
  })
}

export interface DependencyGraph {
  deps: Map<string, Set<string>>
  ownership: Map<string, Ownership>
  /** What is wrong with the plan (unknown dependencies, unreadable prompt frontmatter); empty when nothing. */
  problems: PlanningProblem[]
  tasks: MissionTasks
  wpIds: string[]
}

/** Dependencies from prompt frontmatter plus `Depends on WP01` / `**Dependencies**: WP01` lines, and the problems met reading them. */
export function readDependencyGraph(missionDir: string): DependencyGraph {
  const tasks = loadMissionTasks(missionDir)
  if (!tasks.exists) {
    throw new CliError('tasks_missing', `${tasks.path} does not exist.`, {remediation: 'Write tasks.md (one section per work package) before finalizing.'})
  }

  const wpIds = tasks.doc.workPackageIds()
  if (wpIds.length === 0) {
    throw new CliError('no_work_packages', `${tasks.path} has no work-package sections and tasks/ has no WP prompt files.`, {
      remediation: 'Add sections like "## Work Package WP01: …" to tasks.md, or prompt files tasks/WP01-<name>.md.',
    })
  }

  const deps = new Map(wpIds.map(id => [id, new Set(tasks.workPackages.get(id)?.dependencies ?? [])]))
  for (const [line, text] of tasks.doc.lines.entries()) {
    const wp = tasks.doc.wpOfLine(line)
    const match = DEPENDS.exec(text)
    if (!wp || !match || tasks.doc.fenced[line]) continue
    for (const dep of match[1].match(/WP\d{2,}/g) ?? []) if (dep !== wp) deps.get(wp)!.add(dep)
  }

  const problems: PlanningProblem[] = []
  for (const [id, file] of tasks.workPackages) {
    if (file.frontmatterError !== undefined) {
      problems.push({code: 'invalid_prompt_frontmatter', message: `The frontmatter of ${file.path} is not readable YAML (${file.frontmatterError}).`, remediation: `Fix the YAML between the --- lines of the ${id} prompt file.`})
    }
  }

  for (const [wp, set] of deps) {
    for (const dep of set) {
      if (!deps.has(dep)) problems.push({code: 'unknown_dependency', message: `${wp} depends on ${dep}, which is not a work package of this mission.`, remediation: `Fix the dependency of ${wp} in tasks.md or its prompt file.`})
    }
  }

  const ownership = new Map(wpIds.map(id => [id, {executionMode: tasks.workPackages.get(id)?.executionMode, ownedFiles: tasks.workPackages.get(id)?.ownedFiles ?? []}]))
  return {
    deps, ownership, problems, tasks, wpIds,
  }
}

/** The dependency graph, or the error naming every problem of the plan (implement, next). */
export function dependencyGraph(missionDir: string): Omit<DependencyGraph, 'problems'> {
  const {problems, ...graph} = readDependencyGraph(missionDir)
  if (problems.some(p => p.code === 'unknown_dependency')) throw planningError(problems)
  return graph
}

