import {existsSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import type {Mission} from './mission-handle.js'

import {writeFileAtomic} from '../io/atomic-write.js'
import {assertConfined} from '../io/confine.js'
import {PLAN_SECTIONS, planScaffold, specScaffold} from './scaffolds.js'

export interface PlanSetup {
  /** False when plan.md was there already: it is never overwritten. */
  created: boolean
  planFile: string
  /** The headings of plan.md the agent fills. */
  sections: readonly string[]
  specFile: string
  /** Whether spec.md says more than its scaffold: the plan is written from it. */
  specWritten: boolean
}

const friendlyNameOf = (mission: Mission): string => String(mission.meta.friendly_name ?? mission.slug)

/** A planning file where the mission keeps it: its status surface's copy, else the primary one. */
export const planningFile = (mission: Mission, name: string): string =>
  [join(mission.dir, name), join(mission.primaryDir, name)].find(candidate => existsSync(candidate)) ?? join(mission.primaryDir, name)

/** Whether a mission file says more than its scaffold (missing, empty or untouched count as not written). */
export function isWritten(mission: Mission, name: 'plan.md' | 'spec.md'): boolean {
  const path = planningFile(mission, name)
  if (!existsSync(path)) return false
  const text = readFileSync(path, 'utf8')
  const scaffold = name === 'spec.md' ? specScaffold(friendlyNameOf(mission), mission.slug) : planScaffold(friendlyNameOf(mission), mission.slug)
  return text.trim() !== '' && text !== scaffold
}

/**
 * `agent mission setup-plan`: plan.md from its scaffold in the mission's planning folder (the primary
 * checkout's, where spec.md was written; finalize-tasks publishes it), unless it exists already.
 */
export function setupPlan(mission: Mission): PlanSetup {
  const planPath = join(mission.primaryDir, 'plan.md')
  assertConfined(mission.root, planPath)
  const created = !existsSync(planPath)
  if (created) writeFileAtomic(planPath, planScaffold(friendlyNameOf(mission), mission.slug))
  return {
    created,
    planFile: relative(mission.root, planPath),
    sections: PLAN_SECTIONS,
    specFile: relative(mission.root, join(mission.primaryDir, 'spec.md')),
    specWritten: isWritten(mission, 'spec.md'),
  }
}
