import type {HookHost} from './command-spec.js'

import {type ImplementResult, implementWorkPackage} from './app/implement.js'
import {publishLifecycleEvents} from './contributions.js'
import {type Mission, resolveMission} from './core/mission/mission-handle.js'
import {CliError} from './core/output/cli-error.js'
import {shellQuote} from './core/output/shell-quote.js'
import {autoCommitDefault, readProjectConfig} from './core/project/project-config.js'
import {findProjectRoot} from './core/project/project-root.js'
import {laneChangeEvents} from './core/status/lifecycle-events.js'

/**
 * What `implement` and `agent workflow implement` share: refused inside a worktree, then the WP is
 * claimed and its lane worktree opened, and the lane events go to the plugins.
 */
export async function openWorkPackage(hooks: HookHost, wpId: string, flags: {agent?: string; 'auto-commit'?: boolean; mission?: string}): Promise<{agent: string; mission: Mission; result: ImplementResult}> {
  const {root, worktree} = findProjectRoot(process.cwd())
  if (worktree) throw new CliError('inside_worktree', `Run implement from the primary checkout, not from the worktree ${worktree}.`, {remediation: `cd ${shellQuote(root)}`})
  const mission = resolveMission(root, flags.mission)
  const agent = flags.agent ?? 'user'
  const result = implementWorkPackage(root, mission, wpId, agent, flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root)))
  await publishLifecycleEvents(hooks, root, laneChangeEvents(root, mission, result.events))
  return {agent, mission, result}
}
