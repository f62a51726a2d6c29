import {relative} from 'node:path'

import {assertConfined} from '../io/confine.js'
import {CliError} from '../output/cli-error.js'
import {currentBranch, git, gitOk} from './git.js'

const ALLOW_ENV = 'SPEC_KITTY_ALLOW_PROTECTED_BRANCH_COMMITS'

/** `main`, `master` and origin's default branch, as upstream protects them. */
export function isProtectedBranch(branch: string, root: string): boolean {
  if (branch === 'main' || branch === 'master') return true
  const origin = git(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], root)
  return origin.code === 0 && origin.stdout.trim() === `origin/${branch}`
}

/**
 * Refuse an auto-commit on a protected branch *before* anything is written, so a refused command
 * changes nothing. `SPEC_KITTY_ALLOW_PROTECTED_BRANCH_COMMITS=1` is upstream's escape hatch.
 */
export function assertAutoCommitAllowed(root: string): void {
  if (/^(?:1|true|yes)$/i.test(process.env[ALLOW_ENV]?.trim() ?? '')) return
  const branch = currentBranch(root)
  if (!branch) {
    throw new CliError('detached_head', 'HEAD is detached: an auto-commit would land on no branch and be easy to lose.', {
      remediation: 'Check out a branch (git switch <branch>), or pass --no-auto-commit and commit yourself.',
    })
  }

  if (isProtectedBranch(branch, root)) {
    throw new CliError('protected_branch', `Refusing to auto-commit to protected branch '${branch}'.`, {
      remediation: `Pass --no-auto-commit (and commit yourself), switch to a feature branch, or set ${ALLOW_ENV}=1.`,
    })
  }
}

const INDEX_LOCK_RETRY_MS = 5000
const sleeper = new Int32Array(new SharedArrayBuffer(4))

/**
 * git that touches the index, retried while another git process holds `index.lock` (agents on
 * other missions auto-commit at the same moment): bounded, then the failure is reported as it is.
 */
function gitWithIndex(args: readonly string[], root: string, code: string): string {
  const deadline = Date.now() + INDEX_LOCK_RETRY_MS
  for (;;) {
    const result = git(args, root)
    if (result.code === 0) return result.stdout
    // git says so only in words; "index.lock" plus "File exists" is its stable wording since 1.x.
    const busy = /index\.lock'?: File exists|cannot lock ref/.test(result.stderr)
    if (!busy || Date.now() > deadline) return gitOk(args, root, code)
    Atomics.wait(sleeper, 0, 0, 20 + Math.floor(Math.random() * 80))
  }
}

/**
 * Commit exactly these files (nothing else that happens to be staged). Returns the commit sha. A
 * path that is a symbolic link, or leads out of the repository through one, is never added.
 */
export function commitFiles(root: string, paths: readonly string[], message: string): string | undefined {
  for (const path of paths) assertConfined(root, path)
  const relativePaths = [...new Set(paths.map(p => relative(root, p)))]
  gitWithIndex(['add', '--', ...relativePaths], root, 'git_failed')
  const staged = git(['diff', '--cached', '--quiet', '--', ...relativePaths], root)
  if (staged.code === 0) return undefined
  gitWithIndex(['commit', '--quiet', '--no-verify', '-m', message, '--only', '--', ...relativePaths], root, 'auto_commit_failed')
  return gitOk(['rev-parse', 'HEAD'], root).trim()
}

/** Upstream's commit subjects name the spec by the slug up to its first dash ("… on spec demo"). */
export function specLabel(missionSlug: string): string {
  return missionSlug.split('-')[0]
}
