import {Flags} from '@oclif/core'

import {assertSafeBranchName} from './core/git/branch-name.js'
import {assertSafeHandle} from './core/mission/mission-handle.js'

/** Flags shared by several commands, defined once so their wording stays the same everywhere. */
export const missionFlag = Flags.string({
  description: 'Mission handle: full ULID, mid8, slug, human slug or numeric prefix.',
  helpValue: '<slug>',
  // Checked while parsing, so a hostile handle is refused before the project is even looked for.
  async parse(input) {
    assertSafeHandle(input)
    return input
  },
})

/** A branch flag (--target, --target-branch), refused at parse time unless it is a plain branch name. */
export const branchFlag = (flag: string, description: string) => Flags.string({
  description,
  async parse(input) {
    assertSafeBranchName(input, flag)
    return input
  },
})

export const autoCommitFlag = Flags.boolean({
  allowNo: true,
  description: 'Commit the files this command changed (default: agents.auto_commit in .kittify/config.yaml, true if unset). Refused on main/master.',
})
