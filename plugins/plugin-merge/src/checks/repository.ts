import type {PreflightCheck} from 'spec-kitty/api'

import {existsSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'

/** The repository works with git, and no merge, rebase or cherry-pick is half done in it. */
export const repositoryCheck: PreflightCheck = {
  id: 'git_repository',
  order: 10,
  async run(ctx) {
    const gitDir = await ctx.git(['rev-parse', '--git-dir'])
    if (gitDir.code !== 0) {
      return {message: `git cannot use ${ctx.repoRoot}: ${gitDir.stderr.trim()}`, remediation: `Check the repository: git -C ${ctx.repoRoot} status`, verdict: 'blocker'}
    }

    const dir = gitDir.stdout.trim()
    const absolute = isAbsolute(dir) ? dir : join(ctx.repoRoot, dir)
    const inProgress = ['MERGE_HEAD', 'rebase-merge', 'rebase-apply', 'CHERRY_PICK_HEAD'].filter(marker => existsSync(join(absolute, marker)))
    if (inProgress.length > 0) {
      return {
        details: {in_progress: inProgress},
        message: `A git operation is in progress in the primary checkout (${inProgress.join(', ')}).`,
        remediation: inProgress.includes('MERGE_HEAD') ? 'Finish it (git commit) or abort it: git merge --abort' : 'Finish it or abort it: git rebase --abort (or git cherry-pick --abort)',
        verdict: 'blocker',
      }
    }

    return {message: 'Repository usable; no merge or rebase in progress.', verdict: 'pass'}
  },
}
