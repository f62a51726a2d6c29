import type {CommandSpec} from '../command-spec.js'

import {listTasksCommand} from './list-tasks.js'
import {markStatusCommand} from './mark-status.js'
import {moveTaskCommand} from './move-task.js'
import {statusCommand} from './status.js'

/** The commands the lean launcher runs without oclif, by oclif command id (src/launch/route.ts lists the same ids). */
export const LIFECYCLE_COMMANDS: ReadonlyMap<string, CommandSpec> = new Map([listTasksCommand, markStatusCommand, moveTaskCommand, statusCommand].map(spec => [spec.id, spec]))
