import type {MergePreflightChecksHook} from 'spec-kitty/api'

import {
  laneBranchesCheck, lanesManifestCheck, missionBranchCheck, targetBranchCheck,
} from '../checks/branches.js'
import {conflictForecastCheck} from '../checks/conflicts.js'
import {mergeLockCheck} from '../checks/merge-lock.js'
import {repositoryCheck} from '../checks/repository.js'
import {targetUpstreamCheck} from '../checks/upstream.js'
import {workPackagesApprovedCheck} from '../checks/work-packages.js'
import {cleanWorktreesCheck} from '../checks/worktrees.js'

const hook: MergePreflightChecksHook = async () => [
  repositoryCheck,
  targetBranchCheck,
  lanesManifestCheck,
  missionBranchCheck,
  laneBranchesCheck,
  cleanWorktreesCheck,
  workPackagesApprovedCheck,
  targetUpstreamCheck,
  conflictForecastCheck,
  mergeLockCheck,
]

export default hook
