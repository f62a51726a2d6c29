import type {MergePreflightContext, PreflightCheck, PreflightResult} from 'spec-kitty/api'

/** Refs come from the snapshot the core read once (`git for-each-ref`), not one git call each. */
const exists = (ctx: MergePreflightContext, ref: string): boolean => Object.hasOwn(ctx.refs, ref)

/** A command that recreates a missing local branch: track origin's copy, else start it at `startPoint`. */
function recreateCommand(ctx: MergePreflightContext, branch: string, startPoint: string): string {
  if (exists(ctx, `refs/remotes/origin/${branch}`)) return `git branch --track ${ctx.shellQuote(branch)} ${ctx.shellQuote(`origin/${branch}`)}`
  return `git branch ${ctx.shellQuote(branch)} ${startPoint}`
}

export const targetBranchCheck: PreflightCheck = {
  id: 'target_branch',
  order: 20,
  async run(ctx) {
    if (exists(ctx, `refs/heads/${ctx.targetBranch}`)) return {message: `Target branch ${ctx.targetBranch} exists.`, verdict: 'pass'}
    const onOrigin = exists(ctx, `refs/remotes/origin/${ctx.targetBranch}`)
    return {
      details: {target_branch: ctx.targetBranch},
      message: `Target branch ${ctx.targetBranch} does not exist locally${onOrigin ? ' (origin has it)' : ' or on origin'}.`,
      remediation: onOrigin ? `git branch --track ${ctx.shellQuote(ctx.targetBranch)} ${ctx.shellQuote(`origin/${ctx.targetBranch}`)}` : `Pass the branch to land on: spec-kitty merge --mission ${ctx.missionSlug} --target <branch>`,
      verdict: 'blocker',
    }
  },
}

export const lanesManifestCheck: PreflightCheck = {
  id: 'lanes_manifest',
  order: 30,
  async run(ctx) {
    if (ctx.lanesManifestError) {
      return {message: ctx.lanesManifestError, remediation: `spec-kitty agent mission finalize-tasks --mission ${ctx.missionSlug}`, verdict: 'blocker'}
    }

    return {message: `lanes.json lists ${ctx.lanes.length} lane(s).`, verdict: 'pass'}
  },
}

/**
 * The check upstream added for #976 and then removed from the dry run. The branch name comes from
 * lanes.json as it is (#1978: rebuilding it from the slug raised false blockers).
 */
export const missionBranchCheck: PreflightCheck = {
  id: 'missing_mission_branch',
  order: 40,
  async run(ctx): Promise<PreflightResult> {
    if (ctx.lanesManifestError) return {message: 'Skipped: lanes.json is not usable.', verdict: 'pass'}
    if (exists(ctx, `refs/heads/${ctx.missionBranch}`)) return {details: {expected_branch: ctx.missionBranch}, message: `Mission branch ${ctx.missionBranch} exists.`, verdict: 'pass'}
    const startPoint = ctx.refs[`refs/heads/${ctx.targetBranch}`] ?? ctx.shellQuote(ctx.targetBranch)
    return {
      details: {expected_branch: ctx.missionBranch},
      message: `Mission branch ${ctx.missionBranch} does not exist.`,
      remediation: recreateCommand(ctx, ctx.missionBranch, startPoint),
      verdict: 'blocker',
    }
  },
}

export const laneBranchesCheck: PreflightCheck = {
  id: 'missing_lane_branch',
  order: 50,
  async run(ctx) {
    const missing = ctx.lanes.filter(lane => !exists(ctx, `refs/heads/${lane.branch}`))
    if (missing.length === 0) return {message: `All ${ctx.lanes.length} lane branch(es) exist.`, verdict: 'pass'}
    const commands = missing.map(lane =>
      exists(ctx, `refs/remotes/origin/${lane.branch}`) ? recreateCommand(ctx, lane.branch, '') : `spec-kitty implement ${lane.wpIds[0]} --mission ${ctx.missionSlug}`)
    return {
      details: {missing_branches: missing.map(lane => lane.branch)},
      message: `Lane branch(es) missing: ${missing.map(lane => `${lane.branch} (${lane.wpIds.join(', ')})`).join('; ')}.`,
      remediation: commands.join(' && '),
      verdict: 'blocker',
    }
  },
}
