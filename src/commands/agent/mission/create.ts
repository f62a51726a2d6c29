import {Args, Flags} from '@oclif/core'
import {join, relative} from 'node:path'

import type {CommandOutcome} from '../../../core/output/render.js'

import {assertKebabSlug, createMission} from '../../../app/mission-create.js'
import {SpecKittyCommand} from '../../../base-command.js'
import {publishLifecycleEvents} from '../../../contributions.js'
import {findProjectRoot} from '../../../core/project/project-root.js'
import {featureCreated} from '../../../core/status/lifecycle-events.js'
import {branchFlag} from '../../../flags.js'

export default class MissionCreate extends SpecKittyCommand {
  static args = {
    slug: Args.string({
      description: 'Kebab-case name, e.g. demo-widgets. The folder becomes <slug>-<mid8>.',
      async parse(input) {
        assertKebabSlug(input)
        return input
      },
      required: true,
    }),
  }
  static description = `Creates kitty-specs/<slug>-<mid8>/ with meta.json (a fresh ULID mission id), a spec.md scaffold and tasks/. Refused outside a git repository, on a detached HEAD or for a slug that is not kebab-case; a refused create writes nothing.

Like Spec Kitty 3.2, it also creates the mission's coordination branch kitty/mission-<slug>-<mid8> at the target's tip (named in meta.json as coordination_branch): from finalize-tasks on, the mission's status is committed there, so nothing is committed to the target (main, say) until merge. Nothing is committed by create.`
  static examples = ['<%= config.bin %> agent mission create demo-widgets --json', '<%= config.bin %> agent mission create demo-widgets --friendly-name "Demo widgets" --purpose-tldr "Ship widgets"']
  static flags = {
    'friendly-name': Flags.string({description: 'Human title (default: the slug with spaces).'}),
    'mission-type': Flags.string({default: 'software-dev', description: 'Mission type recorded in meta.json.'}),
    'purpose-context': Flags.string({description: 'Longer description of why the mission exists.'}),
    'purpose-tldr': Flags.string({description: 'One-line purpose.'}),
    'target-branch': branchFlag('--target-branch', 'Branch the mission lands on (default: the current branch).'),
  }
  static summary = 'Create a mission.'

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parseInput(MissionCreate)
    const {root} = findProjectRoot(process.cwd())
    const created = createMission(root, {
      friendlyName: flags['friendly-name'],
      missionType: flags['mission-type'],
      purposeContext: flags['purpose-context'],
      purposeTldr: flags['purpose-tldr'],
      slug: args.slug,
      targetBranch: flags['target-branch'],
    })
    const {meta} = created
    await publishLifecycleEvents(this.hooks, root, [featureCreated(root, created.missionSlug, meta)])
    return {
      document: {
        coordination_branch: created.coordinationBranch,
        coordination_branch_created: created.coordinationBranchCreated,
        created_at: meta.created_at,
        created_files: created.createdFiles,
        feature_dir: created.missionDir,
        friendly_name: meta.friendly_name,
        mission_id: meta.mission_id,
        mission_number: null,
        mission_slug: created.missionSlug,
        mission_type: meta.mission_type,
        next_step: 'Write spec.md, then run: spec-kitty agent mission setup-plan --mission ' + created.missionSlug,
        result: 'success',
        slug: created.missionSlug,
        spec_file: relative(root, join(created.missionDir, 'spec.md')),
        target_branch: meta.target_branch,
      },
      exitCode: 0,
      human: [`Created mission ${created.missionSlug} in ${created.missionDir}`, `Next: write ${relative(root, join(created.missionDir, 'spec.md'))}, then spec-kitty agent mission setup-plan --mission ${created.missionSlug}`],
    }
  }
}
