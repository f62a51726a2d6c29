import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * oclif's cache folder for this CLI, as Config.load places it (`SPEC_KITTY_CACHE_DIR`, macOS Caches,
 * XDG_CACHE_HOME, LOCALAPPDATA, ~/.cache), found without loading oclif. The full launcher writes the
 * config snapshot there and the lean launcher looks for it there: a test holds the two equal.
 */
export function oclifCacheDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string {
  if (env.SPEC_KITTY_CACHE_DIR) return env.SPEC_KITTY_CACHE_DIR
  const home = env.HOME || homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'spec-kitty')
  return join(env.XDG_CACHE_HOME || (platform === 'win32' && env.LOCALAPPDATA) || join(home, '.cache'), 'spec-kitty')
}

/**
 * A cache file may steer what runs (the snapshot names hook files, the code cache is compiled code):
 * only a regular file of this user's that nobody else may write is used.
 */
export function isPrivateFile(stat: {isFile(): boolean; mode: number; uid: number}): boolean {
  // eslint-disable-next-line no-bitwise -- the group and other write bits of the mode
  return stat.isFile() && (stat.mode & 0o022) === 0 && (!process.getuid || stat.uid === process.getuid())
}
