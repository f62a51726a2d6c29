import type {CommandOutcome} from '../../../core/output/render.js'

import {finalizeTasks} from '../../../app/finalize-tasks.js'
import {SpecKittyCommand} from '../../../base-command.js'
import {publishLifecycleEvents} from '../../../contributions.js'
import {resolveMission} from '../../../core/mission/mission-handle.js'
import {autoCommitDefault, readProjectConfig} from '../../../core/project/project-config.js'
import {findProjectRoot} from '../../../core/project/project-root.js'
import {laneChangeEvents} from '../../../core/status/lifecycle-events.js'
import {autoCommitFlag, missionFlag} from '../../../flags.js'

export default class FinalizeTasks extends SpecKittyCommand {
  static description
    = `Reads tasks.md and tasks/WPnn-*.md, writes lanes.json as Spec Kitty 3.2 computes it, and seeds a genesis → planned event for every work package without one. Work packages whose owned_files overlap share an execution lane; a dependency between lanes becomes depends_on_lanes (implement merges the upstream lane's work into the dependent lane), and lanes at the same depth share a parallel_group. Planning-artifact work packages (execution_mode: planning_artifact) go to lane-planning, worked on in the primary checkout. Each prompt's frontmatter gets the keys Spec Kitty maintains (dependencies, planning_base_branch, merge_target_branch, branch_strategy, tracker_refs, create_intent), editing only those lines. Idempotent; an existing mission_branch in lanes.json is kept as it is.

A mission created with a coordination branch (every new one, as Spec Kitty 3.2 does) is first published to its coordination worktree .worktrees/<slug>-coord/: every file of kitty-specs/<slug>/ that is not there yet is copied, and from then on lane moves, ticks and implement read and write that copy and commit to the coordination branch, never to the branch you are on. merge lands it on the target.`
  static examples = ['<%= config.bin %> agent mission finalize-tasks --mission demo-widgets-01J9ZK3M --json']
  static flags = {'auto-commit': autoCommitFlag, mission: missionFlag}
  static summary = 'Compute execution lanes and seed canonical lane status.'

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parseInput(FinalizeTasks)
    const {root} = findProjectRoot(process.cwd())
    const result = finalizeTasks(root, resolveMission(root, flags.mission), flags['auto-commit'] ?? autoCommitDefault(readProjectConfig(root)))
    const {mission} = result
    await publishLifecycleEvents(this.hooks, root, laneChangeEvents(root, mission, result.events))
    return {
      document: {
        commit: result.commit ?? null,
        coordination_branch: mission.coordination?.branch ?? null,
        diverged_files: result.diverged,
        lanes: result.lanes.map(l => ({
          depends_on_lanes: l.depends_on_lanes, lane_id: l.lane_id, parallel_group: l.parallel_group, wp_ids: l.wp_ids,
        })),
        lanes_written: result.lanesWritten,
        mission_branch: result.missionBranch,
        mission_slug: mission.slug,
        prompts_updated: result.promptsUpdated,
        published_files: result.published,
        result: 'success',
        seeded_wps: result.seeded,
        work_packages: result.workPackages,
      },
      exitCode: 0,
      human: [
        `Finalized ${mission.slug}: ${result.workPackages.length} work packages in ${result.lanes.length} lane(s).`,
        ...result.lanes.map(l => `  ${l.lane_id}: ${l.wp_ids.join(', ')}${l.depends_on_lanes.length > 0 ? ` (after ${l.depends_on_lanes.join(', ')})` : ''}`),
        result.seeded.length > 0 ? `Seeded planned status for ${result.seeded.join(', ')}.` : 'Every work package already had canonical status.',
        ...(mission.coordination ? [`Status lives on ${mission.coordination.branch}, in ${mission.coordination.worktree}${result.commit ? ` (committed ${result.commit.slice(0, 7)})` : ''}.`] : []),
        ...result.diverged.map(file => `Warning: ${file} differs from its copy in ${mission.checkout}, which is the one lane moves and ticks use; edit that one.`),
      ],
    }
  }
}
