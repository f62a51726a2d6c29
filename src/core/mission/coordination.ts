import {
  existsSync, mkdirSync, readdirSync, realpathSync,
} from 'node:fs'
import {
  dirname, join, relative, resolve,
} from 'node:path'

import type {Mission} from './mission-handle.js'

import {branchFromFile} from '../git/branch-name.js'
import {excludeFromGit} from '../git/exclude.js'
import {branchExists, git, revParse} from '../git/git.js'
import {writeFileAtomic} from '../io/atomic-write.js'
import {assertConfined} from '../io/confine.js'
import {readRegularFile} from '../io/regular-file.js'
import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'
import {sharedStateDir} from './mission-lock.js'

/**
 * Spec Kitty 3.2's coordination topology. A mission whose meta.json names a `coordination_branch`
 * keeps its status (event log, status.json, lanes.json, the ticked tasks.md, the WP activity logs) on
 * that branch, in the worktree `.worktrees/<slug>-coord/`, and commits there; the primary checkout
 * keeps the planning copy. A mission without the key (legacy) keeps everything in the primary.
 */

export const coordinationBranchFor = (slug: string): string => `kitty/mission-${slug}`
export const coordinationWorktreePath = (root: string, slug: string): string => join(root, '.worktrees', `${slug}-coord`)

export interface Coordination {
  branch: string
  worktree: string
}

/**
 * The coordination branch meta.json declares, unless the mission has landed: merge records
 * `baseline_merge_commit` on the target, whose copy then holds the whole history.
 */
export function declaredCoordination(root: string, mission: Pick<Mission, 'meta' | 'primaryDir' | 'slug'>): Coordination | undefined {
  const value = mission.meta.coordination_branch
  if (value === undefined || value === null || value === '' || mission.meta.baseline_merge_commit) return undefined
  const branch = branchFromFile(value, join(mission.primaryDir, 'meta.json'), 'coordination_branch', 'invalid_meta')
  return {branch, worktree: coordinationWorktreePath(root, mission.slug)}
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

/** One of git's small pointer files; anything that is not a regular file counts as absent. */
function readLine(path: string): string | undefined {
  try {
    return readRegularFile(path, 4096)?.toString('utf8').trim()
  } catch (error) {
    if (error instanceof CliError) return undefined
    throw error
  }
}

/**
 * The branch checked out in `worktree`, or why it is not the coordination worktree. Read from git's
 * own files (no git process, so `status` reads without git): `.git` must be a file naming a gitdir
 * of this repository's common dir, whose HEAD names a branch. A folder committed there by a pull
 * request, or another repository, is never used.
 */
function worktreeBranch(root: string, worktree: string): {branch?: string; problem?: string} {
  const pointer = /^gitdir: (.+)$/.exec(readLine(join(worktree, '.git')) ?? '')?.[1]
  const gitdir = pointer ? resolve(worktree, pointer) : undefined
  const common = gitdir ? readLine(join(gitdir, 'commondir')) : undefined
  if (!gitdir || !common || realOrUndefined(resolve(gitdir, common)) !== realOrUndefined(sharedStateDir(root))) {
    return {problem: 'is not a git worktree of this repository'}
  }

  const head = /^ref: refs\/heads\/(.+)$/.exec(readLine(join(gitdir, 'HEAD')) ?? '')?.[1]
  return head ? {branch: head} : {problem: 'has a detached HEAD'}
}

function mismatch(coordination: Coordination, why: string): CliError {
  return new CliError('coordination_worktree_mismatch', `${coordination.worktree} ${why}; it should be the coordination worktree of ${coordination.branch}, where this mission's status lives.`, {
    remediation: `Nothing was written. Look at it (git -C ${shellQuote(coordination.worktree)} status); if it holds nothing you need, remove it (git worktree remove --force ${shellQuote(coordination.worktree)}) and run the command again: it is recreated from ${coordination.branch}.`,
  })
}

/** Create the coordination worktree on its branch. Idempotent, and safe when another process races it. */
function materialize(root: string, coordination: Coordination): void {
  assertConfined(root, coordination.worktree)
  excludeFromGit(root, '/.worktrees/')
  mkdirSync(dirname(coordination.worktree), {recursive: true})
  // A worktree folder deleted by hand stays registered until pruned, and blocks `worktree add`.
  git(['worktree', 'prune'], root)
  const added = git(['worktree', 'add', '--quiet', '--end-of-options', coordination.worktree, coordination.branch], root)
  if (added.code === 0) return
  // Another command may have created it a moment ago: that is the same worktree.
  if (existsSync(coordination.worktree) && worktreeBranch(root, coordination.worktree).branch === coordination.branch) return
  throw new CliError('coordination_worktree_failed', `Could not create the coordination worktree ${coordination.worktree} on ${coordination.branch}: ${added.stderr.trim()}`, {
    remediation: `Run it yourself to see what git needs: git worktree add ${shellQuote(coordination.worktree)} ${coordination.branch}`,
  })
}

/** Refuse a folder at the coordination worktree's path that is not that worktree on its branch. */
function verifyWorktree(root: string, coordination: Coordination): void {
  const {branch, problem} = worktreeBranch(root, coordination.worktree)
  if (problem) throw mismatch(coordination, problem)
  if (branch !== coordination.branch) throw mismatch(coordination, `is on ${branch}`)
}

const surfaceDir = (coordination: Coordination, slug: string): string => join(coordination.worktree, 'kitty-specs', slug)

function onSurface(mission: Mission, coordination: Coordination): Mission {
  return {
    ...mission, checkout: coordination.worktree, coordination, dir: surfaceDir(coordination, mission.slug),
  }
}

/**
 * Where a mission's status is read: the coordination worktree once the mission is on its branch
 * (the worktree is created from the branch when missing, as 3.2 does), the primary checkout before
 * that, for legacy missions, after the merge, and when the branch no longer exists.
 */
export function resolveSurface(root: string, mission: Mission): Mission {
  const coordination = declaredCoordination(root, mission)
  if (!coordination) return mission
  if (existsSync(coordination.worktree)) {
    verifyWorktree(root, coordination)
    return existsSync(surfaceDir(coordination, mission.slug)) ? onSurface(mission, coordination) : mission
  }

  // Fails as well when the branch does not exist.
  if (git(['cat-file', '-e', `refs/heads/${coordination.branch}:kitty-specs/${mission.slug}`], root).code !== 0) return mission
  materialize(root, coordination)
  return onSurface(mission, coordination)
}

export interface PublishedSurface {
  /** Files of the primary copy that differ from the surface's: the surface's copy is kept. */
  diverged: string[]
  mission: Mission
  /** Files copied from the primary checkout, relative to the surface checkout. */
  published: string[]
}

/**
 * finalize-tasks moves a coordination mission onto its branch: the branch is created from the
 * target's tip when missing, the worktree from the branch, and every planning file of the primary
 * copy that the surface does not have yet is copied there. A file the surface already has is never
 * overwritten: after the first finalize it may hold ticks and activity logs the primary lacks.
 */
export function publishToSurface(root: string, mission: Mission, targetBranch: string): PublishedSurface {
  const coordination = declaredCoordination(root, mission)
  if (!coordination || !revParse('HEAD', root)) return {diverged: [], mission, published: []}
  if (!existsSync(coordination.worktree) && !branchExists(coordination.branch, root)) {
    const start = revParse(`refs/heads/${targetBranch}`, root) ?? revParse('HEAD', root)!
    git(['branch', '--end-of-options', coordination.branch, start], root)
  }

  if (existsSync(coordination.worktree)) verifyWorktree(root, coordination)
  else materialize(root, coordination)
  const surface = onSurface(mission, coordination)
  bringInTarget(coordination, targetBranch, mission.slug)
  const published: string[] = []
  const diverged: string[] = []
  for (const file of planningFiles(mission.primaryDir)) {
    const from = join(mission.primaryDir, file)
    const to = join(surface.dir, file)
    assertConfined(coordination.worktree, to)
    const content = readRegularFile(from)
    if (content === undefined) continue
    const existing = readRegularFile(to)
    if (existing === undefined) {
      mkdirSync(dirname(to), {recursive: true})
      writeFileAtomic(to, content)
      published.push(relative(coordination.worktree, to))
    } else if (!existing.equals(content) && !isPublishedCopy(coordination.worktree, 'HEAD', relative(coordination.worktree, to), from)) {
      diverged.push(relative(root, from))
    }
  }

  return {diverged, mission: surface, published}
}

/**
 * Whether `file` (the primary checkout's untracked copy of `path`) holds nothing git does not have:
 * the version of the commit that added `path` on `rev`'s history, or one of `otherBlobs`. Blob ids
 * compare the bytes exactly, the way git sees the file. The event log only grows, so a copy that the
 * published log begins with holds nothing either.
 */
export function isPublishedCopy(cwd: string, rev: string, path: string, file: string, otherBlobs: readonly string[] = []): boolean {
  const mine = git(['hash-object', '--', file], cwd).stdout.trim()
  if (otherBlobs.includes(mine)) return true
  const added = git(['log', '-1', '--format=%H', '--diff-filter=A', rev, '--', path], cwd).stdout.trim()
  const published = added ? git(['rev-parse', '--verify', '--quiet', `${added}:${path}`], cwd).stdout.trim() : ''
  if (published === '') return false
  if (published === mine) return true
  if (!path.endsWith('/status.events.jsonl')) return false
  const log = git(['cat-file', 'blob', published], cwd)
  const local = readRegularFile(file)?.toString('utf8') ?? ''
  return log.code === 0 && local.length > 0 && log.stdout.startsWith(local)
}

/**
 * Planning committed on the target after the branch was created (tasks.md, the prompt files) is
 * merged into the coordination branch, so that lanes branch from it and later merge back without an
 * add/add conflict. A conflict is refused, leaving the branch as it was.
 */
function bringInTarget(coordination: Coordination, targetBranch: string, slug: string): void {
  const tip = revParse(`refs/heads/${targetBranch}`, coordination.worktree)
  if (!tip || git(['merge-base', '--is-ancestor', tip, 'HEAD'], coordination.worktree).code === 0) return
  const merged = git(['merge', '--no-edit', '--quiet', '-m', `chore(spec-kitty): bring ${targetBranch} into ${coordination.branch}`, tip], coordination.worktree)
  if (merged.code === 0) return
  git(['merge', '--abort'], coordination.worktree)
  throw new CliError('coordination_merge_failed', `Merging ${targetBranch} into ${coordination.branch} failed: ${(merged.stdout + merged.stderr).trim().split('\n').slice(-3).join(' ')}`, {
    remediation: `Nothing was changed. Resolve it in the coordination worktree: cd ${shellQuote(coordination.worktree)} && git merge ${targetBranch}, fix and commit; then run finalize-tasks --mission ${slug} again.`,
  })
}

/** The regular files of a mission folder, relative to it (dirents are lstat'ed: links are skipped). */
function planningFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    if (entry.isDirectory()) return planningFiles(join(dir, entry.name), join(prefix, entry.name))
    return entry.isFile() ? [join(prefix, entry.name)] : []
  })
}
