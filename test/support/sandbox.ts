import {spawn, spawnSync} from 'node:child_process'
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const CLI = join(REPO_ROOT, 'bin', 'run.js')
/** The 190 real missions: SPEC_KITTY_CORPUS_DIR, else the workplace's read-only ../shared copy. */
export const CORPUS = process.env.SPEC_KITTY_CORPUS_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'corpus', 'spec-kitty-v3.2.0')
/** The 71 missions Spec Kitty 3.2.1–3.2.5 added (newer log rows): beside CORPUS, or SPEC_KITTY_CORPUS_ADDITIONS_DIR. */
export const CORPUS_ADDITIONS = process.env.SPEC_KITTY_CORPUS_ADDITIONS_DIR ?? resolve(CORPUS, '..', 'spec-kitty-v3.2.5-additions')

/** The corpus mission folders; a missing corpus is an error that says where it was looked for. */
export function corpusMissions(corpus = CORPUS): string[] {
  if (!existsSync(corpus)) throw new Error(`corpus not found at ${corpus}: check out the workplace's shared/ beside this repository, or set SPEC_KITTY_CORPUS_DIR (and SPEC_KITTY_CORPUS_ADDITIONS_DIR)`)
  return readdirSync(corpus).filter(name => name !== 'LICENSE')
}

export interface CliResult {
  code: number
  stderr: string
  stdout: string
}

/** A temp dir with its own HOME, XDG and SPEC_KITTY_*_DIR, and a git repository in `repo/`. */
export class Sandbox {
  /** The CLI entry point this sandbox runs: the built one by default, or an installed copy. */
  readonly bin: string
  readonly dir: string
  readonly env: NodeJS.ProcessEnv
  readonly repo: string

  constructor(options: {bin?: string; repoName?: string} = {}) {
    this.bin = options.bin ?? CLI
    this.dir = mkdtempSync(join(tmpdir(), 'spec-kitty-sandbox-'))
    this.repo = join(this.dir, options.repoName ?? 'repo')
    const home = join(this.dir, 'home')
    this.env = {
      ...process.env,
      GIT_AUTHOR_EMAIL: 'tester@example.com',
      GIT_AUTHOR_NAME: 'tester',
      GIT_COMMITTER_EMAIL: 'tester@example.com',
      GIT_COMMITTER_NAME: 'tester',
      HOME: home,
      SPEC_KITTY_CONFIG_DIR: join(home, '.config', 'spec-kitty'),
      SPEC_KITTY_STATE_DIR: join(home, '.local', 'state', 'spec-kitty'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
    }
    mkdirSync(this.repo, {recursive: true})
    mkdirSync(home, {recursive: true})
  }

  /** The environment to run shell lines in, with a `spec-kitty` on PATH that is this sandbox's CLI. */
  shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const bin = join(this.dir, 'bin')
    if (!existsSync(join(bin, 'spec-kitty'))) {
      mkdirSync(bin, {recursive: true})
      writeFileSync(join(bin, 'spec-kitty'), `#!/bin/sh\nexec "${process.execPath}" "${this.bin}" "$@"\n`)
      chmodSync(join(bin, 'spec-kitty'), 0o755)
    }

    return {...this.env, PATH: `${bin}:${process.env.PATH}`, ...extra}
  }

  cleanup(): void {
    rmSync(this.dir, {force: true, recursive: true})
  }

  /** Run the built CLI as a subprocess. */
  cli(args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): CliResult {
    const result = spawnSync(process.execPath, [this.bin, ...args], {
      cwd: options.cwd ?? this.repo, encoding: 'utf8', env: {...this.env, ...options.env}, timeout: 60_000,
    })
    return {code: result.status ?? -1, stderr: result.stderr, stdout: result.stdout}
  }

  /** Run the built CLI as a subprocess without blocking this process (an in-process server keeps answering). */
  cliAsync(args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string} = {}): Promise<CliResult> {
    return new Promise(done => {
      const child = spawn(process.execPath, [this.bin, ...args], {cwd: options.cwd ?? this.repo, env: {...this.env, ...options.env}})
      child.stdin.end(options.input ?? '')
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', chunk => {
        stdout += chunk
      })
      child.stderr.on('data', chunk => {
        stderr += chunk
      })
      child.on('close', code => done({code: code ?? -1, stderr, stdout}))
    })
  }

  /**
   * Start the CLI and SIGKILL it `afterMs` after spawn (a crash at a random point of its work).
   * `killed` is false when it had already finished by then.
   */
  cliKilledAfter(args: readonly string[], afterMs: number): Promise<{code: null | number; killed: boolean}> {
    return new Promise((done, fail) => {
      // Its own process group: the CLI alone is killed, and the git it had started (which a SIGKILL
      // does not stop) is waited for, so the test inspects the repository once nothing writes to it.
      const child = spawn(process.execPath, [this.bin, ...args], {
        cwd: this.repo, detached: true, env: this.env, stdio: 'ignore',
      })
      let killed = false
      const timer = setTimeout(() => {
        killed = child.kill('SIGKILL')
      }, afterMs)
      child.once('error', fail)
      child.once('exit', async code => {
        clearTimeout(timer)
        await groupGone(child.pid!)
        done({code, killed})
      })
    })
  }

  git(args: readonly string[], cwd = this.repo): string {
    const result = spawnSync('git', args, {cwd, encoding: 'utf8', env: this.env})
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
    return result.stdout.trim()
  }

  /** `git init` on `branch` with one commit, then `spec-kitty init`. */
  initProject(branch = 'feature/widgets'): void {
    this.git(['init', '-q', '-b', branch])
    this.write('README.md', '# demo\n')
    this.git(['add', '-A'])
    this.git(['commit', '-q', '-m', 'init'])
    const init = this.cli(['init', '--ai', 'claude', '--json'])
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`)
    this.git(['add', '-A'])
    this.git(['commit', '-q', '-m', 'spec-kitty init'])
  }

  write(relativePath: string, text: string): string {
    const path = join(this.repo, relativePath)
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, text)
    return path
  }
}

/** Resolves once no process of the group is left (bounded: 10 s). */
async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0)
    } catch {
      return
    }

    // eslint-disable-next-line no-await-in-loop -- polling, a few times at most
    await new Promise(resolve => {
      setTimeout(resolve, 10)
    })
  }
}

/** Parse stdout as exactly one JSON document (fails on anything around it). */
export function parseJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>
}
