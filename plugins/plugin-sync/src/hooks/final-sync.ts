import type {Hook} from '@oclif/core'

import {finalSync} from '../final-sync.js'
import {bindRuntime} from '../runtime.js'

/** Registered for postrun and for finally; finalSync runs once per invocation either way. */
const hook: Hook<'finally'> = async options => {
  await finalSync(() => bindRuntime(options.config))
}

export default hook
