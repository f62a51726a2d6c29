import type {TaskReferenceParser} from '../../src/api/index.js'

import builtInParsers from '../../plugins/plugin-tasks/src/hooks/task-reference-parsers.js'
import {TaskReferenceRegistry} from '../../src/core/tasks/task-reference-registry.js'

/** The registry as the CLI builds it from plugin-tasks, for unit tests that call the core directly. */
export async function builtInRegistry(extra: TaskReferenceParser[] = []): Promise<TaskReferenceRegistry> {
  const parsers = await (builtInParsers as unknown as (o: {apiVersion: number}) => Promise<TaskReferenceParser[]>)({apiVersion: 1})
  return new TaskReferenceRegistry([...parsers.map(p => ({...p, plugin: '@spec-kitty/plugin-tasks'})), ...extra.map(p => ({...p, plugin: 'test'}))])
}
