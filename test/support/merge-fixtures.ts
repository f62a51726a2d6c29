import {join, relative} from 'node:path'

import {createMission} from './missions.js'
import {parseJson, type Sandbox} from './sandbox.js'

export interface ReadyMission {
  lanes: {a: string; b: string}
  missionBranch: string
  slug: string
  worktrees: {a: string; b: string}
}

const TASKS = '# Tasks\n\n## Work Package WP01: A\n- [ ] T001 write a\n\n## Work Package WP02: B\n- [ ] T002 write b\n'
const prompt = (wp: string, subtask: string, file: string) => `---\nwork_package_id: ${wp}\ntitle: ${wp}\nsubtasks: [${subtask}]\nowned_files: [${file}]\n---\n# ${wp}\n`

function commitIn(sandbox: Sandbox, worktree: string, file: string, text: string): void {
  sandbox.write(relative(sandbox.repo, join(worktree, file)), text)
  sandbox.git(['add', '-A'], worktree)
  sandbox.git(['commit', '-q', '-m', `work on ${file}`], worktree)
}

/**
 * A mission with two lanes (WP01 → lane-a, WP02 → lane-b), each implemented in its worktree with a
 * commit, subtasks ticked and both WPs approved: ready to merge. `conflict` makes lane-b also write
 * lane-a's file with other content. `legacy`: no coordination branch (status in the primary checkout,
 * the mission branch created by implement), as missions written before Spec Kitty 3.2.
 */
export function readyMission(sandbox: Sandbox, options: {conflict?: boolean; legacy?: boolean} = {}): ReadyMission {
  const {slug} = createMission(sandbox, TASKS, {'WP01-a.md': prompt('WP01', 'T001', 'src/a.txt'), 'WP02-b.md': prompt('WP02', 'T002', 'src/b.txt')}, 'demo', {legacy: options.legacy})
  const worktrees = {a: '', b: ''}
  for (const [key, wp] of [['a', 'WP01'], ['b', 'WP02']] as const) {
    const implemented = sandbox.cli(['implement', wp, '--mission', slug, '--agent', 'claude', '--json'])
    if (implemented.code !== 0) throw new Error(`implement ${wp}: ${implemented.stdout}${implemented.stderr}`)
    worktrees[key] = String(parseJson(implemented.stdout).workspace_path)
  }

  commitIn(sandbox, worktrees.a, 'src/a.txt', 'A\n')
  commitIn(sandbox, worktrees.b, 'src/b.txt', 'B\n')
  if (options.conflict) commitIn(sandbox, worktrees.b, 'src/a.txt', 'not A\n')
  for (const args of [
    ['agent', 'tasks', 'mark-status', 'WP01', 'WP02', '--status', 'done', '--mission', slug],
    ['agent', 'tasks', 'move-task', 'WP01', '--to', 'approved', '--mission', slug, '--agent', 'claude'],
    ['agent', 'tasks', 'move-task', 'WP02', '--to', 'approved', '--mission', slug, '--agent', 'claude'],
  ]) {
    const result = sandbox.cli(args)
    if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.stdout}${result.stderr}`)
  }

  const missionBranch = `kitty/mission-${slug}`
  return {
    lanes: {a: `${missionBranch}-lane-a`, b: `${missionBranch}-lane-b`}, missionBranch, slug, worktrees,
  }
}

/** Everything a dry run must leave alone: refs, index, worktrees, config, working tree, runtime. */
export function repositoryFingerprint(sandbox: Sandbox): string {
  return [
    sandbox.git(['for-each-ref', '--format=%(refname) %(objectname)']),
    sandbox.git(['ls-files', '--stage', '--debug']),
    sandbox.git(['worktree', 'list', '--porcelain']),
    sandbox.git(['config', '--local', '--list']),
    sandbox.git(['status', '--porcelain', '--untracked-files=all', '--ignored']),
    sandbox.git(['stash', 'list']),
  ].join('\n---\n')
}
