import {spawn, spawnSync} from 'node:child_process'

import {CliError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'

export interface GitResult {
  code: number
  stderr: string
  stdout: string
}

/** Never open an editor or a pager, never ask for credentials: agents have no terminal. */
function gitEnv(readOnly: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_EDITOR: 'true',
    // Read-only callers (merge preflight checks) must not even refresh the index.
    ...(readOnly ? {GIT_OPTIONAL_LOCKS: '0'} : {}),
    GIT_PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  }
}

/**
 * The one place that runs git. Synchronous: commands run a handful of short git calls, often inside
 * the mission lock, and a plain call keeps that code linear. Never throws on a non-zero exit.
 */
export function git(args: readonly string[], cwd: string): GitResult {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: gitEnv(false),
    maxBuffer: 256 * 1024 * 1024,
  })
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new CliError(missing ? 'git_not_found' : 'git_failed', missing ? 'git is not installed or not on PATH.' : `git ${args[0]} could not run: ${result.error.message}`, {
      remediation: missing ? 'Install git (2.38 or newer) and make sure it is on PATH.' : 'Check that git works in this directory: git status',
    })
  }

  // git refuses a repository owned by another user (CVE-2022-24765) on every command; reported as
  // itself, not as whatever the caller would conclude from the failure (a "detached HEAD").
  if (result.status !== 0 && result.stderr.includes('detected dubious ownership')) {
    throw new CliError('unsafe_repository', `git refuses to work in ${cwd}: it is owned by another user.`, {
      remediation: `If you trust it: git config --global --add safe.directory ${shellQuote(cwd)}`,
    })
  }

  return {code: result.status ?? 1, stderr: result.stderr, stdout: result.stdout}
}

/**
 * The same runner, asynchronous and read-only, for merge preflight checks (they run concurrently
 * and may be a plugin's). Never throws: a git that cannot start is exit 127 with its reason.
 */
export function gitReadOnly(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise(done => {
    const child = spawn('git', args, {cwd, env: gitEnv(true)})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    child.on('error', error => done({code: 127, stderr: error.message, stdout}))
    child.on('close', code => done({code: code ?? 1, stderr, stdout}))
  })
}

/** git that must succeed: a failure becomes a CliError naming the command and git's own words. */
export function gitOk(args: readonly string[], cwd: string, code = 'git_failed'): string {
  const result = git(args, cwd)
  if (result.code !== 0) {
    throw new CliError(code, `git ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`, {
      remediation: `Run the command yourself in ${cwd} to see what git needs.`,
    })
  }

  return result.stdout
}

export function currentBranch(cwd: string): string | undefined {
  const result = git(['symbolic-ref', '--quiet', '--short', 'HEAD'], cwd)
  return result.code === 0 ? result.stdout.trim() : undefined
}

export function revParse(ref: string, cwd: string): string | undefined {
  const result = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd)
  return result.code === 0 ? result.stdout.trim() : undefined
}

export function branchExists(branch: string, cwd: string): boolean {
  return git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], cwd).code === 0
}

/** Tracked changes and untracked files, as `git status --porcelain` lines (ignored files excluded). */
export function dirtyPaths(cwd: string): string[] {
  return gitOk(['status', '--porcelain', '--untracked-files=normal'], cwd)
  .split('\n')
  .filter(line => line.length > 0)
}

export function commonGitDir(cwd: string): string {
  return gitOk(['rev-parse', '--path-format=absolute', '--git-common-dir'], cwd).trim()
}
