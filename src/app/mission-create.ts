import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {
  branchExists, currentBranch, git, revParse,
} from '../core/git/git.js'
import {assertWorkingRepository} from '../core/git/repository.js'
import {newUlid, pythonIsoTimestamp} from '../core/io/clock.js'
import {coordinationBranchFor} from '../core/mission/coordination.js'
import {specsDir} from '../core/mission/mission-handle.js'
import {type MissionMeta, writeMissionMeta} from '../core/mission/mission-meta.js'
import {specScaffold} from '../core/mission/scaffolds.js'
import {CliError, usageError} from '../core/output/cli-error.js'
import {readProjectConfig} from '../core/project/project-config.js'
import {appendEvents} from '../core/status/event-log.js'
import {creationRows} from '../core/status/lifecycle-rows.js'

export interface CreateMissionInput {
  friendlyName?: string
  missionType?: string
  purposeContext?: string
  purposeTldr?: string
  slug: string
  targetBranch?: string
}

export interface CreatedMission {
  /** The branch that will hold the mission's status (see coordination.ts). */
  coordinationBranch: string
  /** False when the target has no commit yet: finalize-tasks creates the branch then. */
  coordinationBranchCreated: boolean
  createdFiles: string[]
  meta: MissionMeta
  missionDir: string
  missionSlug: string
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** A mission slug is kebab-case (an optional legacy `NNN-` prefix aside): bad usage otherwise. Returns it without the prefix. */
export function assertKebabSlug(slug: string): string {
  const bare = slug.replace(/^\d{3}-/, '')
  if (!KEBAB.test(bare)) {
    throw usageError('invalid_slug', `Mission slug ${JSON.stringify(slug)} is not kebab-case.`, 'Use lower-case letters, digits and single dashes, e.g. demo-widgets')
  }

  return bare
}

/**
 * `agent mission create`: validate everything first, then create the folder. A refused create
 * leaves no file behind.
 */
export function createMission(root: string, input: CreateMissionInput): CreatedMission {
  const bare = assertKebabSlug(input.slug)

  for (const [flag, value] of [['--friendly-name', input.friendlyName], ['--purpose-tldr', input.purposeTldr]] as const) {
    if (value !== undefined && value.trim() === '') {
      throw usageError('invalid_argument', `${flag} must not be empty.`, `Pass a non-empty ${flag} or leave it out.`)
    }
  }

  // A mission may be planned before the first commit; lanes (implement) need one.
  assertWorkingRepository(root, {needsCommit: false})

  const branch = currentBranch(root)
  if (!branch) {
    throw new CliError('detached_head', 'HEAD is detached; a mission needs a branch to target.', {
      remediation: 'Check out a branch first: git switch <branch>',
    })
  }

  // A target that does not exist would only be found out at implement or merge, after the work.
  if (input.targetBranch !== undefined && input.targetBranch !== branch && !branchExists(input.targetBranch, root)) {
    throw usageError('unknown_target_branch', `--target-branch ${input.targetBranch} is not a branch of this repository.`, `Create it first (git branch ${input.targetBranch}), or pass an existing branch (git branch --list).`)
  }

  const missionId = newUlid()
  const missionSlug = `${bare}-${missionId.slice(0, 8)}`
  const missionDir = join(specsDir(root), missionSlug)
  if (existsSync(missionDir)) {
    throw new CliError('mission_exists', `${missionDir} already exists.`, {remediation: 'Run the command again to mint a new id.'})
  }

  const friendlyName = input.friendlyName ?? bare.replaceAll('-', ' ')
  const targetBranch = input.targetBranch ?? branch
  const coordinationBranch = coordinationBranchFor(missionSlug)
  // Spec Kitty 3.2's validator refuses an empty purpose: a purpose not given is left out, never "".
  const meta: MissionMeta = {
    coordination_branch: coordinationBranch,
    created_at: pythonIsoTimestamp(),
    friendly_name: friendlyName,
    mission_id: missionId,
    mission_number: null,
    mission_slug: missionSlug,
    mission_type: input.missionType ?? 'software-dev',
    ...(input.purposeContext ? {purpose_context: input.purposeContext} : {}),
    ...(input.purposeTldr ? {purpose_tldr: input.purposeTldr} : {}),
    slug: missionSlug,
    target_branch: targetBranch,
  }

  mkdirSync(join(missionDir, 'tasks'), {recursive: true})
  writeFileSync(join(missionDir, 'tasks', '.gitkeep'), '')
  writeFileSync(join(missionDir, 'spec.md'), specScaffold(friendlyName, missionSlug))
  writeMissionMeta(missionDir, meta)
  const {project} = readProjectConfig(root)
  appendEvents(missionDir, creationRows({meta, missionSlug, project: {slug: project?.slug ?? null, uuid: project?.uuid ?? null}}))
  // The status branch starts at the target's tip, as 3.2 does; finalize-tasks creates it when the
  // target has no commit yet.
  const tip = revParse(`refs/heads/${targetBranch}`, root)
  const coordinationBranchCreated = tip !== undefined && !branchExists(coordinationBranch, root) && git(['branch', '--end-of-options', coordinationBranch, tip], root).code === 0
  const createdFiles = ['meta.json', 'spec.md', 'tasks/.gitkeep'].map(f => relative(root, join(missionDir, f)))
  return {
    coordinationBranch, coordinationBranchCreated, createdFiles, meta, missionDir, missionSlug,
  }
}
