import {existsSync, readFileSync, statSync} from 'node:fs'
import {
  dirname, isAbsolute, join, resolve,
} from 'node:path'

import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'

/**
 * Where the project lives. A lane worktree's `.git` is a file pointing into the main checkout's
 * `.git/worktrees/<name>`; following it back makes every command work from inside a worktree.
 */
export interface ProjectRoot {
  /** The primary checkout (holding .kittify/ and kitty-specs/). */
  root: string
  /** The directory the command ran in, when it is a linked worktree of the project. */
  worktree?: string
}

function mainCheckoutOfWorktree(dir: string): string | undefined {
  const dotGit = join(dir, '.git')
  try {
    if (!statSync(dotGit).isFile()) return undefined
    const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))
    if (!match) return undefined
    const gitdir = resolve(dir, match[1].trim())
    const commondirFile = join(gitdir, 'commondir')
    const common = existsSync(commondirFile) ? resolve(gitdir, readFileSync(commondirFile, 'utf8').trim()) : dirname(dirname(gitdir))
    return dirname(common)
  } catch {
    return undefined
  }
}

export function findProjectRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): ProjectRoot {
  const override = env.SPECIFY_REPO_ROOT?.trim()
  if (override) {
    const root = isAbsolute(override) ? override : resolve(cwd, override)
    if (!existsSync(join(root, '.kittify'))) {
      throw new CliError('not_a_project', `SPECIFY_REPO_ROOT points at ${root}, which has no .kittify/ folder.`, {
        remediation: `cd ${shellQuote(root)} && spec-kitty init (or unset SPECIFY_REPO_ROOT)`,
      })
    }

    return {root}
  }

  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const main = mainCheckoutOfWorktree(dir)
    if (main && existsSync(join(main, '.kittify'))) return {root: main, worktree: dir}
    if (existsSync(join(dir, '.kittify'))) return {root: dir}
    if (dirname(dir) === dir) break
  }

  throw new CliError('not_a_project', `No spec-kitty project found in ${cwd} or any parent directory.`, {
    remediation: 'Run "spec-kitty init" at the root of your git repository first.',
  })
}
