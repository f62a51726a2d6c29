import type {MergePreflightContext, PreflightCheck, PreflightResult} from 'spec-kitty/api'

interface Forecast {
  conflicts: string[]
  tree: string
}

/** `git merge-tree --write-tree`: merges without touching any worktree, index or ref. */
async function forecastMerge(ctx: MergePreflightContext, ours: string, theirs: string): Promise<Forecast | undefined> {
  const result = await ctx.git(['merge-tree', '--write-tree', '--name-only', '--no-messages', '--end-of-options', ours, theirs])
  if (result.code !== 0 && result.code !== 1) return undefined
  const [tree, ...files] = result.stdout.split('\n').filter(Boolean)
  return {conflicts: result.code === 1 ? [...new Set(files)] : [], tree}
}

/**
 * Replays the whole merge in the object database: each lane into the mission branch (in order, on
 * top of the previous result), then the mission into the target. Names every conflicting file.
 */
export const conflictForecastCheck: PreflightCheck = {
  id: 'merge_conflict',
  order: 90,
  async run(ctx): Promise<PreflightResult> {
    const resolve = (branch: string): string | undefined => ctx.refs[`refs/heads/${branch}`]
    let current = resolve(ctx.missionBranch)
    const target = resolve(ctx.targetBranch)
    if (!current || !target) return {message: 'Skipped: mission or target branch missing.', verdict: 'pass'}
    const conflicts: Array<{files: string[]; from: string; into: string}> = []
    for (const lane of ctx.lanes) {
      const tip = resolve(lane.branch)
      if (!tip) continue
      // eslint-disable-next-line no-await-in-loop -- lanes merge in order, each on the previous result
      const forecast = await forecastMerge(ctx, current, tip)
      if (!forecast) return {message: `git merge-tree failed for ${lane.branch}; git 2.38 or newer is needed.`, remediation: 'Upgrade git to 2.38 or newer.', verdict: 'blocker'}
      if (forecast.conflicts.length > 0) {
        conflicts.push({files: forecast.conflicts, from: lane.branch, into: ctx.missionBranch})
        continue
      }

      // A commit object (no ref) so the next lane merges on top of this one, as the real merge does.
      // eslint-disable-next-line no-await-in-loop
      const commit = await ctx.git(['commit-tree', forecast.tree, '-p', current, '-p', tip, '-m', `forecast ${lane.laneId}`])
      if (commit.code === 0) current = commit.stdout.trim()
    }

    if (conflicts.length === 0) {
      const final = await forecastMerge(ctx, target, current)
      if (final && final.conflicts.length > 0) conflicts.push({files: final.conflicts, from: ctx.missionBranch, into: ctx.targetBranch})
    }

    if (conflicts.length === 0) return {message: 'No merge conflicts forecast.', verdict: 'pass'}
    return {
      details: {conflicts},
      message: conflicts.map(c => `${c.from} into ${c.into} conflicts in ${c.files.join(', ')}`).join('; ') + '.',
      remediation: `Resolve them on the lane branch first: git -C <lane worktree> merge ${conflicts[0].into}, fix the files, commit; then run the dry run again.`,
      verdict: 'blocker',
    }
  },
}
