import {
  appendFileSync, existsSync, mkdirSync, readFileSync,
} from 'node:fs'
import {dirname, join} from 'node:path'

import {commonGitDir} from './git.js'

/**
 * Keep spec-kitty's local working folders (lane worktrees, merge runtime) out of `git status`
 * through `.git/info/exclude`, which is local to the clone and never committed.
 */
export function excludeFromGit(root: string, pattern: string): void {
  const path = join(commonGitDir(root), 'info', 'exclude')
  const current = existsSync(path) ? readFileSync(path, 'utf8') : ''
  if (current.split('\n').includes(pattern)) return
  mkdirSync(dirname(path), {recursive: true})
  appendFileSync(path, `${current === '' || current.endsWith('\n') ? '' : '\n'}${pattern}\n`)
}
