#!/usr/bin/env node
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
// Exit now: a stray handle (a socket, a timer) must never keep an agent waiting. The final sync
// (plugin-sync) has already run inside its own time budget by this point.
process.exit()
