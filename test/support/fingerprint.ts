import {createHash} from 'node:crypto'
import {
  lstatSync, readdirSync, readFileSync, readlinkSync,
} from 'node:fs'
import {join, relative} from 'node:path'

/**
 * Every file and folder under `dir` (but `.git`) with its mode, size, mtime and content hash: equal
 * before and after means the command wrote nothing there, not even the same bytes again.
 */
export function fileTreeFingerprint(dir: string): string {
  const walk = (d: string): string[] => readdirSync(d, {withFileTypes: true}).flatMap(entry => {
    if (entry.name === '.git') return []
    const path = join(d, entry.name)
    // A link is recorded as a link (its target), never followed: hostile tests plant dangling ones.
    if (entry.isSymbolicLink()) return [`${relative(dir, path)} -> ${readlinkSync(path)}`]
    const {mode, mtimeMs, size} = lstatSync(path)
    if (entry.isDirectory()) return [`${relative(dir, path)}/ ${mode.toString(8)}`, ...walk(path)]
    return [`${relative(dir, path)} ${mode.toString(8)} ${size} ${mtimeMs} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`]
  })
  return walk(dir).sort().join('\n')
}
