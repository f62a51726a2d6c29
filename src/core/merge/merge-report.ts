import type {MergePreflightContext} from '../../api/index.js'
import type {MergeResult} from './merge-executor.js'
import type {CheckOutcome, PreflightReport} from './preflight.js'

const entry = (o: CheckOutcome) => ({
  details: o.details ?? {}, id: o.id, message: o.message, plugin: o.plugin, remediation: o.remediation ?? null,
})

/** The steps the real merge will take, in order, so a dry run says exactly what would happen. */
export function planSteps(ctx: MergePreflightContext): string[] {
  return [
    ...ctx.lanes.map(lane => `merge ${lane.branch} into ${ctx.missionBranch} (merge commit)`),
    `${ctx.strategy} ${ctx.missionBranch} into ${ctx.targetBranch}`,
    `record done for approved work packages (${[...new Set(ctx.lanes.flatMap(l => l.wpIds))].join(', ') || 'none'})`,
    'remove lane worktrees and delete lane and mission branches (unless kept)',
    ...(ctx.push ? [`git push origin ${ctx.targetBranch}`] : []),
  ]
}

/**
 * One document for the dry run and the real merge (D5, D7). `ready`, `blocker`, `expected_branch`
 * and `remediation` are the stable top-level fields of #976; `blockers` holds every blocker.
 */
export function mergeDocument(report: PreflightReport, ctx: MergePreflightContext, dryRun: boolean, result?: MergeResult): Record<string, unknown> {
  const first = report.blockers[0]
  return {
    already_merged: report.alreadyMerged === true,
    blocker: first?.id ?? null,
    blockers: report.blockers.map(o => entry(o)),
    checks: report.checks.map(o => ({
      id: o.id, message: o.message, plugin: o.plugin, verdict: o.verdict,
    })),
    dry_run: dryRun,
    expected_branch: ctx.missionBranch,
    merged: result !== undefined,
    plan: {
      lanes: ctx.lanes.map(lane => ({branch: lane.branch, lane_id: lane.laneId, wp_ids: lane.wpIds})),
      mission_branch: ctx.missionBranch,
      mission_slug: ctx.missionSlug,
      push: ctx.push,
      steps: planSteps(ctx),
      strategy: ctx.strategy,
      target_branch: ctx.targetBranch,
    },
    ready: report.ready,
    remediation: first?.remediation ?? null,
    result: result ?? null,
    warnings: [...report.warnings.map(o => entry(o)), ...(result?.warnings ?? []).map(message => ({
      details: {}, id: 'merge', message, plugin: 'spec-kitty', remediation: null,
    }))],
  }
}

export function mergeHumanLines(report: PreflightReport, ctx: MergePreflightContext, dryRun: boolean, result?: MergeResult): string[] {
  const lines: string[] = []
  if (report.alreadyMerged) {
    lines.push(report.checks[0].message)
  } else if (!report.ready) {
    lines.push(`Not ready to merge ${ctx.missionSlug}: ${report.blockers.length} blocker(s).`)
    for (const blocker of report.blockers) {
      lines.push(`  ✗ ${blocker.id}: ${blocker.message}`)
      if (blocker.id === 'missing_mission_branch') lines.push(`    Expected branch: ${ctx.missionBranch}`)
      if (blocker.remediation) lines.push(`    Fix: ${blocker.remediation}`)
    }
  } else if (dryRun) {
    lines.push(`Ready to merge ${ctx.missionSlug} into ${ctx.targetBranch}. The merge would:`, ...planSteps(ctx).map(s => `  - ${s}`))
  } else if (result) {
    lines.push(`Merged ${ctx.missionSlug} into ${ctx.targetBranch} (${result.target_before.slice(0, 12)} → ${result.target_after.slice(0, 12)}).`)
    if (result.done_events.length > 0) lines.push(`  done: ${result.done_events.join(', ')}`)
    if (result.cleanup.branches_deleted.length > 0) lines.push(`  deleted branches: ${result.cleanup.branches_deleted.join(', ')}`)
  }

  for (const warning of report.warnings) lines.push(`  ! ${warning.message}`)
  for (const warning of result?.warnings ?? []) lines.push(`  ! ${warning}`)
  return lines
}
