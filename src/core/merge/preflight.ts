import type {MergePreflightContext, PreflightCheck, PreflightResult} from '../../api/index.js'

export interface CheckOutcome extends PreflightResult {
  id: string
  plugin: string
}

export interface PreflightReport {
  blockers: CheckOutcome[]
  checks: CheckOutcome[]
  ready: boolean
  warnings: CheckOutcome[]
}

/**
 * The report for resuming a merge that already moved the target: only bookkeeping and cleanup are
 * left, and the preconditions the checks guard (branches, approvals, conflicts) were consumed by it,
 * so re-checking them would block the very resume that finishes the job.
 */
export function landedMergeReport(targetBranch: string): PreflightReport {
  const pass: CheckOutcome = {
    id: 'interrupted_merge', message: `Resuming a merge that already landed on ${targetBranch}: bookkeeping and cleanup only.`, plugin: 'spec-kitty', verdict: 'pass',
  }
  return {
    blockers: [], checks: [pass], ready: true, warnings: [],
  }
}

/**
 * Run every check (no short-circuit: all blockers are reported at once), in order. The dry run and
 * the real merge both call this, with the same checks, so they cannot disagree (D5). A check that
 * throws is a blocker: a broken check must not wave a merge through.
 */
export async function runPreflight(checks: ReadonlyArray<PreflightCheck & {plugin: string}>, ctx: MergePreflightContext): Promise<PreflightReport> {
  const outcomes = await Promise.all(checks.map(async (check): Promise<CheckOutcome[]> => {
    try {
      const result = await check.run(ctx)
      return (Array.isArray(result) ? result : [result]).map(r => ({...r, id: check.id, plugin: check.plugin}))
    } catch (error) {
      return [{
        id: check.id, message: `Check ${check.id} failed to run: ${(error as Error).message}`, plugin: check.plugin, remediation: `Report this to the maintainers of ${check.plugin}.`, verdict: 'blocker',
      }]
    }
  }))
  const all = outcomes.flat()
  const blockers = all.filter(o => o.verdict === 'blocker')
  return {
    blockers, checks: all, ready: blockers.length === 0, warnings: all.filter(o => o.verdict === 'warning'),
  }
}
