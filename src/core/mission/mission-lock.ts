import {statSync} from 'node:fs'
import {join} from 'node:path'

import {commonGitDir} from '../git/git.js'
import {sweepStrayTemps} from '../io/atomic-write.js'
import {withLock} from '../io/file-lock.js'
import {specsDir} from './mission-handle.js'

/**
 * The per-mission lock, under the git common dir so that the primary checkout and every lane
 * worktree share it (upstream: `<git-common-dir>/spec-kitty-locks/<slug>.status.lock`).
 */
export function missionLockPath(root: string, missionSlug: string): string {
  let common: string
  try {
    // The primary checkout's .git directory is the common dir; avoid spawning git for it.
    common = statSync(join(root, '.git')).isDirectory() ? join(root, '.git') : commonGitDir(root)
  } catch {
    common = join(root, '.kittify')
  }

  return join(common, 'spec-kitty-locks', `${missionSlug}.status.lock`)
}

/** Run `fn` holding the mission's lock, after sweeping temp files that killed writers left in it. */
export function withMissionLock<T>(root: string, missionSlug: string, fn: () => T): T {
  return withLock(missionLockPath(root, missionSlug), {what: `mission ${missionSlug}`}, () => {
    const dir = join(specsDir(root), missionSlug)
    for (const folder of [dir, join(dir, 'tasks')]) sweepStrayTemps(folder)
    return fn()
  })
}
