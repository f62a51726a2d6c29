import type {CommandOutcome} from './core/output/render.js'

import {assertSafeBranchName} from './core/git/branch-name.js'
import {assertSafeHandle} from './core/mission/mission-handle.js'
import {usageError} from './core/output/cli-error.js'
import {WORK_PACKAGE_ID} from './core/tasks/task-id.js'

/**
 * Commands described without oclif: their flags, arguments and body. The lifecycle commands agents
 * call dozens of times per work package (src/lifecycle) are written this way so that the lean
 * launcher (src/launch) runs them without loading oclif at all; src/oclif-adapter.ts turns the same
 * spec into the oclif command class that help, the manifest and every other entry point use.
 * Nothing here may import @oclif/core.
 */

interface FlagBase {
  description: string
  required?: boolean
}

export interface StringFlagSpec extends FlagBase {
  kind: 'string'
  helpValue?: string
  options?: readonly string[]
  /** Refuses a bad value with a usage error (a CliError) while parsing, before anything is read. */
  check?(input: string): void
}

export interface BooleanFlagSpec extends FlagBase {
  kind: 'boolean'
  allowNo?: boolean
  default?: boolean
}

export interface IntegerFlagSpec extends FlagBase {
  kind: 'integer'
  min?: number
}

export type FlagSpec = BooleanFlagSpec | IntegerFlagSpec | StringFlagSpec

export interface ArgSpec {
  description: string
  required?: boolean
  /** The canonical value, or a usage error (a CliError) for a value that is not one. */
  normalize?(input: string): string
}

type FlagValue<S extends FlagSpec>
  = S extends {default: boolean} ? boolean
    : S extends BooleanFlagSpec ? boolean | undefined
      : S extends IntegerFlagSpec ? number | undefined
        : S extends {required: true} ? string : string | undefined

export type FlagValues<F extends Record<string, FlagSpec>> = {[K in keyof F]: FlagValue<F[K]>}

/** What a command body gets: parsed flags, named args, and every positional argument in order. */
export interface ParsedInput<F extends Record<string, FlagSpec>> {
  args: Record<string, string | undefined>
  argv: string[]
  flags: FlagValues<F>
}

/** The outcome of one hook event across all plugins, as oclif's Config.runHook reports it. */
export interface HookOutcome {
  failures: Array<{error: Error; plugin: {name: string}}>
  successes: Array<{plugin: {name: string}; result: unknown}>
}

/** Runs a hook event in every plugin: oclif's Config, or the lean launcher's stand-in for it. */
export interface HookHost {
  runHook(event: string, options: Record<string, unknown>): Promise<HookOutcome>
}

export interface CommandSpec<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  args: Record<string, ArgSpec>
  description: string
  examples: string[]
  flags: F
  /** oclif's command id: `agent:tasks:status`. */
  id: string
  run(input: ParsedInput<F>, hooks: HookHost): Promise<CommandOutcome>
  /** False: positional arguments beyond `args` are allowed and come in `argv`. */
  strict: boolean
  summary: string
}

/** Typed at the definition, stored as the general shape: the registry holds specs of any flags. */
export function defineCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>): CommandSpec {
  return spec as unknown as CommandSpec
}

/** Flags shared by several commands, defined once so their wording stays the same everywhere. */
export const missionFlag = {
  // Checked while parsing, so a hostile handle is refused before the project is even looked for.
  check: (input: string) => assertSafeHandle(input),
  description: 'Mission handle: full ULID, mid8, slug, human slug or numeric prefix.',
  helpValue: '<slug>',
  kind: 'string',
} as const satisfies StringFlagSpec

export const autoCommitFlag = {
  allowNo: true,
  description: 'Commit the files this command changed (default: agents.auto_commit in .kittify/config.yaml, true if unset). Refused on main/master.',
  kind: 'boolean',
} as const satisfies BooleanFlagSpec

/** A branch flag (--target, --target-branch), refused at parse time unless it is a plain branch name. */
export const branchFlag = (flag: string, description: string) => ({
  check: (input: string) => assertSafeBranchName(input, flag),
  description,
  kind: 'string',
} as const satisfies StringFlagSpec)

/** A work package id argument (`wp01` is WP01), refused at parse time unless it is one. */
export const wpArg = {
  description: 'Work package id, e.g. WP01.',
  normalize(input: string) {
    const id = input.toUpperCase()
    if (!WORK_PACKAGE_ID.test(id)) throw usageError('invalid_wp_id', `"${input}" is not a work package id.`, 'Pass an id like WP01.')
    return id
  },
  required: true,
} as const satisfies ArgSpec
