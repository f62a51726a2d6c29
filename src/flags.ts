import {Flags} from '@oclif/core'

/** Flags shared by several commands, defined once so their wording stays the same everywhere. */
export const missionFlag = Flags.string({
  description: 'Mission handle: full ULID, mid8, slug, human slug or numeric prefix.',
  helpValue: '<slug>',
})

export const autoCommitFlag = Flags.boolean({
  allowNo: true,
  description: 'Commit the files this command changed (default: agents.auto_commit in .kittify/config.yaml, true if unset). Refused on main/master.',
})
