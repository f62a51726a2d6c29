import {Args, Flags} from '@oclif/core'

import {assertSafeBranchName} from './core/git/branch-name.js'
import {assertSafeHandle} from './core/mission/mission-handle.js'
import {usageError} from './core/output/cli-error.js'
import {WORK_PACKAGE_ID} from './core/tasks/task-id.js'

/** A work-package id argument (`wp01` is WP01), refused at parse time unless it is one. */
export const wpArg = Args.string({
  description: 'Work package id, e.g. WP01.',
  async parse(input) {
    const id = input.toUpperCase()
    if (!WORK_PACKAGE_ID.test(id)) throw usageError('invalid_wp_id', `"${input}" is not a work package id.`, 'Pass an id like WP01.')
    return id
  },
  required: true,
})

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
