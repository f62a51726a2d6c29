import type {MergePreflightContext, PreflightCheck} from 'spec-kitty/api'

import {existsSync} from 'node:fs'

/** Tracked changes (and untracked files, which a lane worktree cleanup would delete). */
async function changes(ctx: MergePreflightContext, cwd: string, untracked: boolean): Promise<string[]> {
  const status = await ctx.git(['status', '--porcelain', `--untracked-files=${untracked ? 'normal' : 'no'}`], cwd)
  return status.stdout.split('\n').filter(line => line.length > 0)
}

/**
 * Upstream found a dirty checkout only after the target had moved, then ran `git reset --hard`.
 * Here uncommitted work anywhere the merge touches is a blocker before anything moves.
 */
export const cleanWorktreesCheck: PreflightCheck = {
  id: 'dirty_worktree',
  order: 60,
  async run(ctx) {
    const dirty: Array<{changes: string[]; path: string}> = []
    const primary = await changes(ctx, ctx.repoRoot, false)
    if (primary.length > 0) dirty.push({changes: primary, path: ctx.repoRoot})
    for (const lane of ctx.lanes) {
      if (!existsSync(lane.worktree)) continue
      // eslint-disable-next-line no-await-in-loop -- a handful of lanes
      const laneChanges = await changes(ctx, lane.worktree, true)
      if (laneChanges.length > 0) dirty.push({changes: laneChanges, path: lane.worktree})
    }

    // Untracked files in the primary checkout that the merge would bring in would block the update.
    const incoming = await ctx.git(['diff', '--name-only', '--end-of-options', `${ctx.targetBranch}...${ctx.missionBranch}`])
    if (incoming.code === 0) {
      const incomingFiles = new Set(incoming.stdout.split('\n').filter(Boolean))
      const collisions = (await changes(ctx, ctx.repoRoot, true)).filter(line => line.startsWith('?? ') && incomingFiles.has(line.slice(3)))
      if (collisions.length > 0) dirty.push({changes: collisions, path: ctx.repoRoot})
    }

    if (dirty.length === 0) return {message: 'Primary checkout and lane worktrees are clean.', verdict: 'pass'}
    return {
      details: {dirty: dirty.map(d => ({changes: d.changes.slice(0, 20), path: d.path}))},
      message: `Uncommitted changes in ${dirty.map(d => `${d.path} (${d.changes.length} path(s))`).join(', ')}.`,
      remediation: `Commit or stash them first, e.g.: ${dirty.map(d => `git -C ${ctx.shellQuote(d.path)} stash --include-untracked`).join(' && ')}`,
      verdict: 'blocker',
    }
  },
}
