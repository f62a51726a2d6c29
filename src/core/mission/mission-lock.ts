import {statSync} from 'node:fs'
import {join} from 'node:path'

import type {Mission} from './mission-handle.js'

import {commonGitDir} from '../git/git.js'
import {sweepStrayTemps} from '../io/atomic-write.js'
import {assertConfined} from '../io/confine.js'
import {withLock} from '../io/file-lock.js'

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

/** Run `fn` holding the mission's lock, after sweeping temp files that killed writers left in it. */
export function withMissionLock<T>(mission: Pick<Mission, 'checkout' | 'dir' | 'root' | 'slug'>, fn: () => T): T {
  return withLock(missionLockPath(mission.root, mission.slug), {what: `mission ${mission.slug}`}, () => {
    for (const folder of [mission.dir, join(mission.dir, 'tasks')]) {
      // Every write of a mission lands in these two folders: a link there would carry it elsewhere.
      assertConfined(mission.checkout, folder)
      sweepStrayTemps(folder)
    }

    return fn()
  })
}
