import type {HookHost} from './command-spec.js'

import {
  API_VERSION, type LifecycleEvent, type PreflightCheck, type SpecKittyHooks,
} from './api/index.js'
import {CliError} from './core/output/cli-error.js'
import {laneChangeEvents} from './core/status/lifecycle-events.js'
import {clearOwnJournals, orphanedEvents} from './core/status/publication-journal.js'
import {type RegisteredParser, TaskReferenceRegistry} from './core/tasks/task-reference-registry.js'

/**
 * Collect contributions from every plugin (core and third-party alike) through the custom hook
 * events. The core has no built-in list of formats or checks.
 */
async function collect<E extends 'merge-preflight-checks' | 'task-reference-parsers'>(hooks: HookHost, event: E): Promise<Array<{plugin: string; value: SpecKittyHooks[E]['return'][number]}>> {
  const result = await hooks.runHook(event, {apiVersion: API_VERSION})
  const failure = result.failures[0]
  if (failure) {
    throw new CliError('plugin_failed', `Plugin ${failure.plugin.name} failed in its ${event} hook: ${failure.error.message}`, {
      remediation: `Update or uninstall the plugin: spec-kitty plugins uninstall ${failure.plugin.name}`,
    })
  }

  return result.successes.flatMap(({plugin, result: values}) => (Array.isArray(values) ? values as Array<SpecKittyHooks[E]['return'][number]> : []).map(value => ({plugin: plugin.name, value})))
}

export async function taskReferenceRegistry(hooks: HookHost): Promise<TaskReferenceRegistry> {
  const parsers: RegisteredParser[] = (await collect(hooks, 'task-reference-parsers')).map(({plugin, value}) => ({...value, plugin}))
  return new TaskReferenceRegistry(parsers)
}

export async function preflightChecks(hooks: HookHost): Promise<Array<PreflightCheck & {plugin: string}>> {
  const checks = (await collect(hooks, 'merge-preflight-checks')).map(({plugin, value}) => ({...value, plugin}))
  const byId = new Map<string, string>()
  for (const check of checks) {
    const other = byId.get(check.id)
    if (other) {
      throw new CliError('duplicate_contribution', `Merge preflight check "${check.id}" is contributed by both ${other} and ${check.plugin}.`, {
        remediation: `Uninstall one of the two plugins: spec-kitty plugins uninstall ${check.plugin}`,
      })
    }

    byId.set(check.id, check.plugin)
  }

  return checks.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
}

/**
 * Hand lifecycle events to whoever listens (plugin-sync), together with the lane events of
 * invocations that died between appending to a log and getting here (publication-journal.ts).
 * Never fails the command.
 */
export async function publishLifecycleEvents(hooks: HookHost, root: string, events: LifecycleEvent[]): Promise<void> {
  const orphans = orphanedEvents(root)
  const replayed = orphans.missions.flatMap(({dir, events: lost, missionSlug}) => laneChangeEvents(root, {dir, slug: missionSlug}, lost))
  if (replayed.length + events.length > 0) await hooks.runHook('lifecycle-events', {apiVersion: API_VERSION, events: [...replayed, ...events]})
  orphans.done()
  clearOwnJournals()
}
