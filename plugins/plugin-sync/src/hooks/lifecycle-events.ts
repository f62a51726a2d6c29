import type {LifecycleEventsHook} from 'spec-kitty/api'

import {syncFlagOn} from '../sync-flag.js'

/** Queue the command's events for the final sync (queue-events.ts); with sync off, nothing more loads. */
const hook: LifecycleEventsHook = async ({config, events}) => {
  if (!syncFlagOn()) return
  const {queueEvents} = await import('../queue-events.js')
  await queueEvents(config, events)
}

export default hook
