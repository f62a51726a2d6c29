import type {MergePreflightContext, PreflightCheck, PreflightResult} from '../../api/index.js'

import {positiveIntegerFromEnv} from '../project/env-settings.js'

export interface CheckOutcome extends PreflightResult {
  id: string
  plugin: string
}

export interface PreflightReport {
  /** The mission landed before: nothing to merge (ready is false, and there is no blocker). */
  alreadyMerged?: boolean
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

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no result within ${ms} ms`)
  }
}

/** How long one check may take: 30 s (git on a large repository), SPEC_KITTY_CHECK_TIMEOUT_MS to change it. */
const checkTimeoutMs = (): number => positiveIntegerFromEnv('SPEC_KITTY_CHECK_TIMEOUT_MS', 30_000)

/**
 * A mission whose every WP is done has landed already: merging again would only send the user to
 * recreate branches the merge deleted. Told as such (exit 0), with no blocker to follow.
 */
export function isAlreadyMerged(ctx: Pick<MergePreflightContext, 'lanes' | 'wpLanes'>): boolean {
  const wps = ctx.lanes.flatMap(lane => lane.wpIds)
  return wps.length > 0 && wps.every(wp => ctx.wpLanes[wp] === 'done')
}

export function alreadyMergedReport(ctx: Pick<MergePreflightContext, 'missionSlug' | 'targetBranch'>): PreflightReport {
  const pass: CheckOutcome = {
    id: 'already_merged', message: `${ctx.missionSlug} is already merged into ${ctx.targetBranch}: every work package is done; nothing to do.`, plugin: 'spec-kitty', verdict: 'pass',
  }
  return {
    alreadyMerged: true, blockers: [], checks: [pass], ready: false, warnings: [],
  }
}

/**
 * Run every check (no short-circuit: all blockers are reported at once), in order. The dry run and
 * the real merge both call this, with the same checks, so they cannot disagree (D5). A check that
 * throws is a blocker: a broken check must not wave a merge through.
 */
export async function runPreflight(checks: ReadonlyArray<PreflightCheck & {plugin: string}>, ctx: MergePreflightContext, timeoutMs = checkTimeoutMs()): Promise<PreflightReport> {
  const outcomes = await Promise.all(checks.map(async (check): Promise<CheckOutcome[]> => {
    let timer: NodeJS.Timeout | undefined
    // A check that never settles (a hung third-party plugin) must not hang the merge: past its time
    // it is a blocker naming the plugin, and its work is abandoned.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(timeoutMs)), timeoutMs)
      timer.unref()
    })
    try {
      const result = await Promise.race([check.run(ctx), deadline])
      return (Array.isArray(result) ? result : [result]).map(r => ({...r, id: check.id, plugin: check.plugin}))
    } catch (error) {
      const timedOut = error instanceof CheckTimeout
      return [{
        id: check.id,
        message: timedOut ? `Check ${check.id} of ${check.plugin} did not finish within ${timeoutMs / 1000} s.` : `Check ${check.id} failed to run: ${(error as Error).message}`,
        plugin: check.plugin,
        remediation: timedOut ? `Run the dry run again; if it keeps timing out, update or uninstall ${check.plugin} (spec-kitty plugins uninstall ${check.plugin}), or raise SPEC_KITTY_CHECK_TIMEOUT_MS.` : `Report this to the maintainers of ${check.plugin}.`,
        verdict: 'blocker',
      }]
    } finally {
      clearTimeout(timer)
    }
  }))
  const all = outcomes.flat()
  const blockers = all.filter(o => o.verdict === 'blocker')
  return {
    blockers, checks: all, ready: blockers.length === 0, warnings: all.filter(o => o.verdict === 'warning'),
  }
}
