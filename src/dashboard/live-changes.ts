import {type FSWatcher, watch} from 'node:fs'

/**
 * Calls `onChange` (at most every `quietMs`) when anything under the watched folders changes: the
 * project's kitty-specs and each mission's status folder (a coordination worktree's copy lives
 * outside kitty-specs). `folders()` is asked again after each change, so a new mission is watched too.
 */
export function watchFolders(folders: () => string[], onChange: () => void, quietMs = 150): () => void {
  const watchers = new Map<string, FSWatcher>()
  let timer: NodeJS.Timeout | undefined
  const changed = () => {
    if (timer) return
    timer = setTimeout(() => {
      timer = undefined
      sync()
      onChange()
    }, quietMs)
  }

  function sync(): void {
    const wanted = new Set(folders())
    for (const [folder, watcher] of watchers) {
      if (!wanted.has(folder)) {
        watcher.close()
        watchers.delete(folder)
      }
    }

    for (const folder of wanted) {
      if (watchers.has(folder)) continue
      try {
        const watcher = watch(folder, {persistent: false, recursive: true}, changed)
        watcher.on('error', () => {
          watcher.close()
          watchers.delete(folder) // gone (a worktree removed); asked again at the next change
        })
        watchers.set(folder, watcher)
      } catch {
        // not there (yet)
      }
    }
  }

  sync()
  return () => {
    clearTimeout(timer)
    for (const watcher of watchers.values()) watcher.close()
    watchers.clear()
  }
}
