import {
  autoCommitFlag as autoCommitSpec, branchFlag as branchSpec, missionFlag as missionSpec, wpArg as wpSpec,
} from './command-spec.js'
import {oclifArg, oclifFlag} from './oclif-adapter.js'

/** The shared flags of command-spec.ts as oclif flags, for commands written as oclif classes. */
export const missionFlag = oclifFlag(missionSpec)
export const autoCommitFlag = oclifFlag(autoCommitSpec)
export const wpArg = oclifArg(wpSpec)
export const branchFlag = (flag: string, description: string) => oclifFlag(branchSpec(flag, description))
