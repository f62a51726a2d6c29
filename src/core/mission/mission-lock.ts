import {statSync} from 'node:fs'
import {join} from 'node:path'

import type {Mission} from './mission-handle.js'

import {commonGitDir} from '../git/git.js'
import {sweepStrayTemps} from '../io/atomic-write.js'
import {assertConfined} from '../io/confine.js'
import {withLock} from '../io/file-lock.js'
import {acquireSharedFlock} from '../io/shared-flock.js'
import {positiveIntegerFromEnv} from '../project/env-settings.js'

/**
 * The per-mission lock, under the git common dir so that the primary checkout and every lane
 * worktree share it (upstream: `<git-common-dir>/spec-kitty-locks/<slug>.status.lock`).
 */
export function missionLockPath(root: string, missionSlug: string): string {
  return join(sharedStateDir(root), 'spec-kitty-locks', `${missionSlug}.status.lock`)
}

/**
 * The git common dir, which the primary checkout and every worktree share and git never shows in a
 * working tree (`.kittify` outside a repository). The primary checkout's `.git` folder is it, found
 * without spawning git.
 */
export function sharedStateDir(root: string): string {
  try {
    return statSync(join(root, '.git')).isDirectory() ? join(root, '.git') : commonGitDir(root)
  } catch {
    return join(root, '.kittify')
  }
}

/**
 * Run `fn` holding the mission's lock, after sweeping temp files that killed writers left in it.
 * Two locks, one deadline: the `flock` Spec Kitty's Python CLI takes on the same file (so the two
 * tools exclude each other), then this CLI's own lock beside it, which names its holder and also
 * works where flock(1) is missing.
 */
export function withMissionLock<T>(mission: Pick<Mission, 'checkout' | 'dir' | 'root' | 'slug'>, fn: () => T): T {
  const path = missionLockPath(mission.root, mission.slug)
  const what = `mission ${mission.slug}`
  // 60 s, or SPEC_KITTY_LOCK_TIMEOUT_MS.
  const timeoutMs = positiveIntegerFromEnv('SPEC_KITTY_LOCK_TIMEOUT_MS', 60_000)
  const deadline = Date.now() + timeoutMs
  const releaseShared = acquireSharedFlock(path, {timeoutMs, what})
  try {
    return withLock(`${path}.holder`, {timeoutMs: Math.max(0, deadline - Date.now()), what}, () => {
      for (const folder of [mission.dir, join(mission.dir, 'tasks')]) {
        // Every write of a mission lands in these two folders: a link there would carry it elsewhere.
        assertConfined(mission.checkout, folder)
        sweepStrayTemps(folder)
      }

      return fn()
    })
  } finally {
    releaseShared?.()
  }
}
