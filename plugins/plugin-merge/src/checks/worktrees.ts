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
    // Lanes and the coordination worktree: untracked files there would be lost with the worktree.
    const worktrees = [...ctx.lanes.map(lane => lane.worktree), ...(ctx.coordinationWorktree ? [ctx.coordinationWorktree] : [])]
    for (const worktree of worktrees) {
      if (!existsSync(worktree)) continue
      // eslint-disable-next-line no-await-in-loop -- a handful of worktrees
      const found = await changes(ctx, worktree, true)
      if (found.length > 0) dirty.push({changes: found, path: worktree})
    }

    // Untracked files in the primary checkout that the merge would bring in would block the update,
    // except the mission's own planning copy, which the merge replaces (keeping a differing copy aside).
    let replaced = 0
    const incoming = await ctx.git(['diff', '--name-only', '--end-of-options', `${ctx.targetBranch}...${ctx.missionBranch}`])
    if (incoming.code === 0) {
      const incomingFiles = new Set(incoming.stdout.split('\n').filter(Boolean))
      const collisions = (await changes(ctx, ctx.repoRoot, true)).filter(line => line.startsWith('?? ') && incomingFiles.has(line.slice(3)))
      const foreign = collisions.filter(line => !line.slice(3).startsWith(`kitty-specs/${ctx.missionSlug}/`))
      replaced = collisions.length - foreign.length
      if (foreign.length > 0) dirty.push({changes: foreign, path: ctx.repoRoot})
    }

    if (dirty.length === 0) {
      const note = replaced > 0 ? ` ${replaced} untracked file(s) of kitty-specs/${ctx.missionSlug}/ will be replaced by the merged copies (a differing one is kept aside and reported).` : ''
      return {message: `Primary checkout and worktrees are clean.${note}`, verdict: 'pass'}
    }

    return {
      details: {dirty: dirty.map(d => ({changes: d.changes.slice(0, 20), path: d.path}))},
      message: `Uncommitted changes in ${dirty.map(d => `${d.path} (${d.changes.length} path(s))`).join(', ')}.`,
      remediation: `Commit or stash them first, e.g.: ${dirty.map(d => `git -C ${ctx.shellQuote(d.path)} stash --include-untracked`).join(' && ')}`,
      verdict: 'blocker',
    }
  },
}
