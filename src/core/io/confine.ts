import {lstatSync, realpathSync, rmSync} from 'node:fs'
import {
  dirname, isAbsolute, join, relative, resolve,
} from 'node:path'

import {CliError} from '../output/cli-error.js'

/**
 * A value from a file, a server or the command line that becomes one path segment (a mission id,
 * slug, WP id, lane id, event id): letters, digits, '.', '_' and '-', starting with a letter or a
 * digit, never "..". The same grammar serves `--mission` handles and every value read from disk.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/

export const isSafeSegment = (value: unknown): value is string => typeof value === 'string' && SAFE_SEGMENT.test(value) && !value.includes('..')

/** True when `path` is `root` itself or lies below it, comparing resolved absolute paths. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The real path of `path`, or of its deepest existing ancestor joined with the missing rest. */
function realPathOfNearest(path: string): string {
  let existing = resolve(path)
  const missing: string[] = []
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing.reverse())
    } catch {
      const parent = dirname(existing)
      if (parent === existing) return resolve(path)
      missing.push(existing.slice(parent.length).replace(/^[/\\]/, ''))
      existing = parent
    }
  }
}

/** The one error for a link where spec-kitty would read, write, commit or delete. */
export function symlinkRefused(path: string, why = 'is a symbolic link'): CliError {
  return new CliError('symlink_refused', `${path} ${why}; spec-kitty never reads, writes, commits or deletes through a symbolic link.`, {
    remediation: `Replace the link with a regular file or folder (check what it points to: ls -l ${JSON.stringify(path)}), then run the command again.`,
  })
}

/** Refuse `path` when it is itself a symbolic link (a missing path is fine: nothing to follow). */
export function assertNotSymlink(path: string): void {
  let link = false
  try {
    link = lstatSync(path).isSymbolicLink()
  } catch {
    // missing
  }

  if (link) throw symlinkRefused(path)
}

/**
 * Refuse a write, commit or delete target that is not really inside `root`: lexically (`..`), or
 * because the target itself or a folder on the way is a symbolic link that leads elsewhere. The
 * target being a link at all is refused too: renaming over it would replace the link, and reading
 * it would read whatever it points to.
 */
export function assertConfined(root: string, path: string): void {
  if (!isInside(root, path)) {
    throw new CliError('path_outside_root', `${path} lies outside ${root}; refusing to touch it.`, {
      remediation: 'A mission file names a path that leaves the project (".." or an absolute path). Restore the file from git.',
    })
  }

  assertNotSymlink(path)
  if (!isInside(realPathOfNearest(root), realPathOfNearest(path))) throw symlinkRefused(path, `leads out of ${root} through a symbolic link`)
}

/**
 * The only recursive delete spec-kitty does: below `<root>/.kittify/runtime/`, confined, and never
 * the runtime folder itself. Anything else is refused, whatever a state file or meta.json says.
 */
export function removeRuntimeTree(root: string, path: string): void {
  const runtime = join(root, '.kittify', 'runtime')
  if (!isInside(runtime, path) || resolve(path) === resolve(runtime)) {
    throw new CliError('path_outside_root', `Refusing to delete ${path}: only folders below ${runtime} are ever deleted.`, {
      remediation: 'A mission file names a path that leaves the runtime folder. Restore meta.json from git.',
    })
  }

  assertConfined(root, path)
  rmSync(path, {force: true, recursive: true})
}
