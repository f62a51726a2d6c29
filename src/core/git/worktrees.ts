import {realpathSync} from 'node:fs'

import {gitOk} from './git.js'

export interface Worktree {
  /** The checked-out branch (short name), or undefined when HEAD is detached. */
  branch: string | undefined
  path: string
}

const real = (path: string): string => {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

/** Every worktree git knows of this repository (`git worktree list --porcelain`). */
export function listWorktrees(root: string): Worktree[] {
  return gitOk(['worktree', 'list', '--porcelain'], root)
  .split('\n\n')
  .flatMap(block => {
    const path = /^worktree (.+)$/m.exec(block)?.[1]
    return path ? [{branch: /^branch refs\/heads\/(.+)$/m.exec(block)?.[1], path}] : []
  })
}

/** The worktree registered at `path`, comparing real paths; undefined when git has none there. */
export function worktreeAt(root: string, path: string): undefined | Worktree {
  const wanted = real(path)
  return listWorktrees(root).find(worktree => real(worktree.path) === wanted)
}
