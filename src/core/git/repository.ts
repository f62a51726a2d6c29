import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {currentBranch, git} from './git.js'

function bare(root: string): CliError {
  return new CliError('bare_repository', `${root} is a bare git repository: it has no working tree for missions, worktrees or commits of tasks.md.`, {
    remediation: `Clone it and work in the clone: git clone ${shellQuote(root)} <folder>`,
  })
}

/**
 * The repository a command works in: git on PATH (else git_not_found), a working tree (not bare, not
 * inside .git) and, when `needsCommit`, a first commit to branch lanes from.
 */
export function assertWorkingRepository(root: string, options: {needsCommit: boolean}): void {
  const probe = git(['rev-parse', '--is-bare-repository', '--is-inside-work-tree'], root)
  if (probe.code !== 0) {
    throw new CliError('not_a_git_repository', `${root} is not inside a git repository.`, {remediation: `cd ${shellQuote(root)} && git init && git add -A && git commit -m "Initial commit"`})
  }

  const [isBare, inWorkTree] = probe.stdout.trim().split('\n')
  if (isBare === 'true') throw bare(root)
  if (inWorkTree !== 'true') throw new CliError('not_a_git_repository', `${root} is inside a .git folder, not a working tree.`, {remediation: 'cd to the checkout that holds the .git folder and run the command there.'})
  if (options.needsCommit && git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], root).code !== 0) {
    const unborn = currentBranch(root)
    throw new CliError('no_commits', `The repository has no commits yet${unborn ? ` (${unborn} is unborn)` : ''}, so there is nothing to branch work-package lanes from.`, {
      remediation: `Make the first commit: git -C ${shellQuote(root)} add -A && git -C ${shellQuote(root)} commit -m "Initial commit"`,
    })
  }
}
