import type {PreflightCheck} from 'spec-kitty/api'

/**
 * Compare the target with its remote-tracking branch as last fetched. The check never fetches: a dry
 * run must not write refs. Behind or diverged blocks a merge that pushes; otherwise it is a warning.
 */
export const targetUpstreamCheck: PreflightCheck = {
  id: 'target_not_synchronized',
  order: 80,
  async run(ctx) {
    const upstream = `refs/remotes/origin/${ctx.targetBranch}`
    if (!Object.hasOwn(ctx.refs, upstream)) {
      return ctx.push
        ? {message: `--push was given but origin/${ctx.targetBranch} is unknown.`, remediation: `git fetch origin ${ctx.shellQuote(ctx.targetBranch)}`, verdict: 'blocker'}
        : {message: 'Target has no remote-tracking branch; nothing to compare.', verdict: 'pass'}
    }

    const counts = await ctx.git(['rev-list', '--left-right', '--count', `refs/heads/${ctx.targetBranch}...${upstream}`])
    if (counts.code !== 0) return {message: 'Skipped: the target branch is missing.', verdict: 'pass'}
    const [ahead, behind] = counts.stdout.trim().split(/\s+/).map(Number)
    if (behind === 0) return {details: {ahead, behind}, message: `Target is not behind origin/${ctx.targetBranch}.`, verdict: 'pass'}
    const state = ahead > 0 ? 'diverged from' : 'behind'
    return {
      details: {ahead, behind},
      message: `Target ${ctx.targetBranch} is ${state} origin/${ctx.targetBranch} (${ahead} ahead, ${behind} behind).`,
      remediation: `git switch ${ctx.shellQuote(ctx.targetBranch)} && git pull --${ahead > 0 ? 'rebase' : 'ff-only'} origin ${ctx.shellQuote(ctx.targetBranch)}`,
      verdict: ctx.push ? 'blocker' : 'warning',
    }
  },
}
