import {
  linkSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function holder(path: string): number {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10)
  } catch {
    return Number.NaN // released meanwhile
  }
}

/**
 * A lock file holding its owner's pid, created complete (temp file, then hard link) so nobody reads
 * a half-written one. A lock whose owner is dead is taken over. Returns the release function, or
 * undefined while a live process holds it.
 */
export function tryPidLock(path: string): (() => void) | undefined {
  const temp = `${path}.${process.pid}`
  writeFileSync(temp, `${process.pid}\n`)
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(temp, path)
        return () => rmSync(path, {force: true})
      } catch {
        if (processAlive(holder(path))) return undefined
        rmSync(path, {force: true})
      }
    }

    return undefined
  } finally {
    rmSync(temp, {force: true})
  }
}
