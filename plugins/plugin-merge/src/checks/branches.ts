import type {MergePreflightContext, PreflightCheck, PreflightResult} from 'spec-kitty/api'

async function exists(ctx: MergePreflightContext, ref: string): Promise<boolean> {
  return (await ctx.git(['show-ref', '--verify', '--quiet', ref])).code === 0
}

/** A command that recreates a missing local branch: track origin's copy, else start it at `startPoint`. */
async function recreateCommand(ctx: MergePreflightContext, branch: string, startPoint: string): Promise<string> {
  if (await exists(ctx, `refs/remotes/origin/${branch}`)) return `git branch --track ${ctx.shellQuote(branch)} ${ctx.shellQuote(`origin/${branch}`)}`
  return `git branch ${ctx.shellQuote(branch)} ${startPoint}`
}

export const targetBranchCheck: PreflightCheck = {
  id: 'target_branch',
  order: 20,
  async run(ctx) {
    if (await exists(ctx, `refs/heads/${ctx.targetBranch}`)) return {message: `Target branch ${ctx.targetBranch} exists.`, verdict: 'pass'}
    const onOrigin = await exists(ctx, `refs/remotes/origin/${ctx.targetBranch}`)
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
    if (await exists(ctx, `refs/heads/${ctx.missionBranch}`)) return {details: {expected_branch: ctx.missionBranch}, message: `Mission branch ${ctx.missionBranch} exists.`, verdict: 'pass'}
    const tip = await ctx.git(['rev-parse', '--verify', '--quiet', `refs/heads/${ctx.targetBranch}^{commit}`])
    const startPoint = tip.code === 0 ? tip.stdout.trim() : ctx.shellQuote(ctx.targetBranch)
    return {
      details: {expected_branch: ctx.missionBranch},
      message: `Mission branch ${ctx.missionBranch} does not exist.`,
      remediation: await recreateCommand(ctx, ctx.missionBranch, startPoint),
      verdict: 'blocker',
    }
  },
}

export const laneBranchesCheck: PreflightCheck = {
  id: 'missing_lane_branch',
  order: 50,
  async run(ctx) {
    const missing: Array<{branch: string; laneId: string; wpIds: readonly string[]}> = []
    for (const lane of ctx.lanes) {
      // eslint-disable-next-line no-await-in-loop -- a handful of lanes, checked in order
      if (!(await exists(ctx, `refs/heads/${lane.branch}`))) missing.push(lane)
    }

    if (missing.length === 0) return {message: `All ${ctx.lanes.length} lane branch(es) exist.`, verdict: 'pass'}
    const commands = await Promise.all(missing.map(async lane =>
      (await exists(ctx, `refs/remotes/origin/${lane.branch}`)) ? recreateCommand(ctx, lane.branch, '') : `spec-kitty implement ${lane.wpIds[0]} --mission ${ctx.missionSlug}`))
    return {
      details: {missing_branches: missing.map(lane => lane.branch)},
      message: `Lane branch(es) missing: ${missing.map(lane => `${lane.branch} (${lane.wpIds.join(', ')})`).join('; ')}.`,
      remediation: commands.join(' && '),
      verdict: 'blocker',
    }
  },
}
