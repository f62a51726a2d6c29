import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'

import {decodeText, readRegularFile} from '../io/regular-file.js'

/** A WP prompt file `tasks/WPnn-<kebab>.md` and the frontmatter keys this CLI reads. */
export interface WorkPackageFile {
  dependencies: string[]
  executionMode: string | undefined
  /** Set when the frontmatter could not be parsed; the other fields are then empty. */
  frontmatterError?: string
  ownedFiles: string[]
  path: string
  subtasks: string[]
  title: string | undefined
  wpId: string
}

const WP_FILE = /^(WP\d{2,})(?:[-_.].*)?\.md$/

export function splitFrontmatter(text: string): {body: string; frontmatter: string | undefined} {
  // A byte-order mark (editors on Windows add one) must not hide the frontmatter.
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text)
  return match ? {body: text.slice(match[0].length), frontmatter: match[1]} : {body: text, frontmatter: undefined}
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value
  .map(item => (typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : item))
  .filter((item): item is string => typeof item === 'string')
}

export function parseWorkPackageFile(path: string, wpId: string, text: string): WorkPackageFile {
  const empty: WorkPackageFile = {
    dependencies: [], executionMode: undefined, ownedFiles: [], path, subtasks: [], title: undefined, wpId,
  }
  const {frontmatter} = splitFrontmatter(text)
  if (frontmatter === undefined) return empty
  let data: unknown
  try {
    data = parse(frontmatter)
  } catch (error) {
    return {...empty, frontmatterError: (error as Error).message.split('\n')[0]}
  }

  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {...empty, frontmatterError: 'frontmatter is not a mapping'}
  const fm = data as Record<string, unknown>
  return {
    dependencies: stringList(fm.dependencies),
    executionMode: typeof fm.execution_mode === 'string' ? fm.execution_mode : undefined,
    ownedFiles: stringList(fm.owned_files),
    path,
    subtasks: stringList(fm.subtasks).map(id => id.toUpperCase().replace(/^T(\d+)([A-Z]?)$/, (_m, n: string, s: string) => `T${n}${s.toLowerCase()}`)),
    title: typeof fm.title === 'string' ? fm.title : undefined,
    wpId: typeof fm.work_package_id === 'string' && /^WP\d{2,}$/.test(fm.work_package_id) ? fm.work_package_id : wpId,
  }
}

/** Every WP prompt file of a mission, keyed by WP id (the first file wins if two claim one id). */
export function readWorkPackageFiles(missionDir: string): Map<string, WorkPackageFile> {
  const dir = join(missionDir, 'tasks')
  const files = new Map<string, WorkPackageFile>()
  if (!existsSync(dir)) return files
  for (const name of readdirSync(dir).sort()) {
    const match = WP_FILE.exec(name)
    if (!match) continue
    const path = join(dir, name)
    const bytes = readRegularFile(path)
    if (!bytes) continue // removed meanwhile
    const file = parseWorkPackageFile(path, match[1], decodeText(bytes).text)
    if (!files.has(file.wpId)) files.set(file.wpId, file)
  }

  return files
}
