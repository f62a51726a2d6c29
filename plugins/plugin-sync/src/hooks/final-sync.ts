import type {Hook} from '@oclif/core'

import {finalSync} from '../final-sync.js'

/** Registered for postrun and for finally; finalSync runs once per invocation either way. */
const hook: Hook<'finally'> = async () => {
  await finalSync()
}

export default hook
