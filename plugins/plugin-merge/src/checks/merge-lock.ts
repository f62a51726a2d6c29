import type {PreflightCheck} from 'spec-kitty/api'

import {existsSync} from 'node:fs'

/** No other merge is running, and an interrupted merge of this mission is resumed or aborted first. */
export const mergeLockCheck: PreflightCheck = {
  id: 'merge_in_progress',
  order: 100,
  async run(ctx) {
    const holder = ctx.mergeLockHolder
    if (holder !== null) {
      return {
        details: {pid: holder}, message: `Another merge is running (process ${holder}).`, remediation: 'Wait for it to finish, then run the merge again.', verdict: 'blocker',
      }
    }

    if (existsSync(ctx.statePath) && !ctx.resume) {
      return {
        details: {state: ctx.statePath},
        message: 'An interrupted merge of this mission exists.',
        remediation: `spec-kitty merge --mission ${ctx.missionSlug} --resume   (or --abort to discard it)`,
        verdict: 'blocker',
      }
    }

    return {message: 'No other merge is running.', verdict: 'pass'}
  },
}
