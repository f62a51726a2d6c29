// Shared by the benchmarks: a throwaway git repository with its own HOME, XDG and SPEC_KITTY_*_DIR,
// the built CLI, and medians of cold process runs.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const cli = join(root, 'bin', 'run.js')
export const runs = Number(process.env.BENCH_RUNS ?? 15)
export const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export function createWorkspace(name) {
  const work = mkdtempSync(join(tmpdir(), `spec-kitty-bench-${name}-`))
  const home = join(work, 'home')
  const env = {
    ...process.env,
    GIT_AUTHOR_EMAIL: 'b@example.com',
    GIT_AUTHOR_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'b@example.com',
    GIT_COMMITTER_NAME: 'bench',
    HOME: home,
    SPEC_KITTY_CONFIG_DIR: join(home, 'config', 'spec-kitty'),
    SPEC_KITTY_ENABLE_SAAS_SYNC: '',
    SPEC_KITTY_STATE_DIR: join(home, 'state', 'spec-kitty'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_STATE_HOME: join(home, 'state'),
  }
  const repo = join(work, 'repo')
  const git = (...args) => execFileSync('git', args, {cwd: repo, env, stdio: 'pipe'}).toString()
  const sk = (args, extraEnv = {}) => {
    const result = spawnSync(process.execPath, [cli, ...args], {cwd: repo, encoding: 'utf8', env: {...env, ...extraEnv}})
    if (result.status !== 0 && !args.includes('--dry-run')) throw new Error(`spec-kitty ${args.join(' ')}: ${result.stdout}${result.stderr}`)
    return result
  }

  /** Median wall time of `runs` cold runs of `command args`; `prepare(i)` runs untimed before each. */
  function timeRuns(command, args, {extraEnv = {}, prepare} = {}) {
    const samples = []
    for (let i = 0; i < runs; i++) {
      prepare?.(i)
      const start = process.hrtime.bigint()
      const result = spawnSync(command, args, {cwd: repo, env: {...env, ...extraEnv}, stdio: 'ignore'})
      samples.push(Number(process.hrtime.bigint() - start) / 1e6)
      if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited ${result.status}`)
    }

    return median(samples)
  }

  /**
   * Two variants measured alternately (A, B, A, B, ...), so machine drift hits both alike; the
   * difference of their medians is what B adds. `prepare(i)` runs untimed before every sample.
   */
  function timePair(args, envA, envB, {prepare} = {}) {
    const samples = [[], []]
    for (let i = 0; i < runs * 2; i++) {
      prepare?.(i)
      const start = process.hrtime.bigint()
      spawnSync(process.execPath, [cli, ...args], {cwd: repo, env: {...env, ...(i % 2 ? envB : envA)}, stdio: 'ignore'})
      samples[i % 2].push(Number(process.hrtime.bigint() - start) / 1e6)
    }

    return samples.map(values => median(values))
  }

  function initProject() {
    mkdirSync(repo, {recursive: true})
    git('init', '-q', '-b', 'feature/bench')
    git('commit', '-q', '--allow-empty', '-m', 'init')
    sk(['init', '--ai', 'claude'])
  }

  return {
    cleanup: () => rmSync(work, {force: true, recursive: true}), env, git, initProject, repo, sk, timePair, timeRuns, work,
  }
}

/** Print a table of [name, ms] rows with their ratio to the `node -e 0` baseline. */
export function report(title, baseline, rows) {
  console.log(`\n${title} (runs per figure: ${runs}, median, cold process each)\n`)
  console.log(`${'node -e 0 (baseline)'.padEnd(64)} ${baseline.toFixed(1).padStart(8)} ms   1.00×`)
  for (const [name, ms] of rows) console.log(`${name.padEnd(64)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / baseline).toFixed(2).padStart(5)}×`)
}
