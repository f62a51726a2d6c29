/**
 * The public plugin API of spec-kitty. Plugins import *types* from here (`spec-kitty/api`) and
 * receive everything else through the context object of the hook they implement, so a plugin
 * written against this file keeps working when the core is refactored.
 */
import type {Hook, Interfaces} from '@oclif/core'

/** Bumped on any breaking change of the types below. Plugins compare it with `apiVersion`. */
export const API_VERSION = 2

// ---------------------------------------------------------------------------------------------
// runtime: mechanisms the core lends plugins
// ---------------------------------------------------------------------------------------------

/** A command's result under the output contract: the --json document, human lines, exit code. */
export interface CommandResult {
  document: Record<string, unknown>
  exitCode: number
  human: string[]
}

/**
 * What the core lends plugins at run time, so that no plugin keeps a copy of a mechanism the core
 * already has (a lock, a durable write, the output contract). Get it through the
 * SpecKittyRuntimeProvider on the oclif config's options.
 */
export interface SpecKittyRuntime {
  apiVersion: number
  /** An expected failure with a stable code, rendered as the core renders its own (exit 1, or 2 for bad usage). */
  error(code: string, message: string, options?: {exitCode?: 1 | 2; fields?: Record<string, unknown>; remediation?: string}): Error
  /** The root of the spec-kitty project `cwd` is in (a lane worktree resolves to its primary checkout), or undefined outside any. */
  findProjectRoot(cwd: string): string | undefined
  /** A read-only git command in `cwd` under the core's hardened git environment (no prompts, no hooks); never throws. */
  gitRead(args: readonly string[], cwd: string): Promise<{code: number; stdout: string}>
  /** Open a URL in the user's browser (`$BROWSER`, else the platform's opener); best effort, never throws. */
  openBrowser(url: string): void
  /** The project's `.kittify/config.yaml` as parsed YAML (`{}` when missing); a broken file throws `invalid_config`. */
  readProjectConfig(root: string): Record<string, unknown>
  /** Run a command body under the output contract: one JSON document with --json, exit codes 0/1/2, errors with code and remediation. */
  runCommand(json: boolean, execute: () => Promise<CommandResult>): Promise<void>
  /** Quote an argument so that a command line built with it is safe to paste into a POSIX shell. */
  shellQuote(value: string): string
  /**
   * Take an exclusive lock file without waiting: its release function, or undefined while a live
   * process holds it. The holder is named by pid, start time, boot id and PID namespace, so a lock
   * left by a dead process is taken over.
   */
  tryLock(path: string, options?: {staleAfterMs?: number}): (() => void) | undefined
  /** oclif's parse failure as the usage error (exit 2) the core reports, with the nearest flag for a typo. */
  usageErrorFromParse(error: unknown, commandId: string | undefined, flagNames: readonly string[]): Error
  /** Write a file atomically and durably (temp file, fsync, rename, fsync of the folder); refuses a symbolic link. */
  writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void
}

/**
 * The core's `init` hook puts this on the oclif config's options as `config.options.specKitty`
 * before any command or other hook runs (`this.config.options` in a command, `options.config.options`
 * in a hook; on the options because oclif builds each command a fresh Config from them). `load()`
 * loads the runtime on first use, so a command that never needs it does not pay for it.
 */
export interface SpecKittyRuntimeProvider {
  apiVersion: number
  load(): Promise<SpecKittyRuntime>
}

// ---------------------------------------------------------------------------------------------
// task-reference-parsers
// ---------------------------------------------------------------------------------------------

export type SubtaskStatus = 'done' | 'pending'

/** A read-only view of tasks.md that parsers share, so they agree on lines and code fences. */
export interface TaskDocumentView {
  /** Lines without their terminators. */
  readonly lines: readonly string[]
  /** True for lines inside (or delimiting) a fenced code block: parsers must ignore them. */
  readonly fenced: readonly boolean[]
  /** Index of the work-package section containing a line ("WP01"), or undefined outside any. */
  wpOfLine(line: number): string | undefined
  /** Subtask ids listed in a work package's prompt-file frontmatter `subtasks:`. */
  promptSubtasks(wpId: string): readonly string[]
  /** Work packages of the mission: tasks.md sections and prompt files, in order. */
  workPackageIds(): readonly string[]
}

/** One place where a task id is represented in tasks.md. */
export interface TaskReferenceMatch {
  /** 0-based line of the representation. */
  line: number
  /** Whether that representation currently says "done". `undefined` = carries no status. */
  done: boolean | undefined
  /** Parser-private data needed by `apply` (for example the column of the status cell). */
  data?: unknown
}

/**
 * An edit of tasks.md: replace a line, delete it, or insert a new line after one. Parsers never
 * write files: the core applies all edits of one command in one atomic write. When two parsers
 * edit one line, a delete wins over a replace.
 */
export type TaskDocumentEdit = {after: number; kind: 'insert'; text: string} | {kind: 'delete'; line: number} | {kind: 'replace'; line: number; text: string}

export interface TaskReferenceParser {
  /** Stable format name reported in results (`checkbox`, `pipe_table`, ...). */
  name: string
  /** Lower runs first; the first parser that finds an id names the reported `format`. */
  precedence: number
  /**
   * Kind of ids this parser understands: `subtask` (T001), `work_package` (WP01) or a custom
   * pattern for third-party formats (for example /^TASK-\d+$/).
   */
  idPattern: RegExp
  find(doc: TaskDocumentView, id: string): TaskReferenceMatch[]
  /** The edit that makes `match` say `status`, or null when it already does. */
  apply(doc: TaskDocumentView, match: TaskReferenceMatch, id: string, status: SubtaskStatus): TaskDocumentEdit | null
  /**
   * Optional: for a work-package id, the subtask ids it owns. Used to expand bare WP ids (D1).
   */
  expand?(doc: TaskDocumentView, id: string): string[] | undefined
  /**
   * Optional: every id this format holds in the document, with its line. A WP then owns the ids on
   * lines of its section, as it owns the built-in formats' rows there: they count on the board,
   * block for_review until done, and `mark-status WPnn` ticks them.
   */
  list?(doc: TaskDocumentView): Array<{id: string; line: number}>
  /**
   * Optional: a representation with no row to edit (an inline `Subtasks:` reference). The core then
   * asks for `materialize` to create one durable row (D3).
   */
  materialize?(doc: TaskDocumentView, match: TaskReferenceMatch, id: string, status: SubtaskStatus): TaskDocumentEdit | null
}

export type TaskReferenceParsersContext = {
  apiVersion: number
}

// ---------------------------------------------------------------------------------------------
// merge-preflight-checks
// ---------------------------------------------------------------------------------------------

export type PreflightVerdict = 'pass' | 'warning' | 'blocker'

export interface PreflightResult {
  verdict: PreflightVerdict
  message: string
  /** A command or instruction that fixes the problem; required for blockers. */
  remediation?: string
  details?: Record<string, unknown>
}

/** Everything a check may read. Checks never write: the dry run must stay read-only. */
export interface MergePreflightContext {
  apiVersion: number
  /** The mission's coordination worktree (where its status is committed), or null for a legacy mission. */
  coordinationWorktree: null | string
  /** Run git read-only in a directory (default the primary checkout). Never throws on exit != 0. */
  git(args: string[], cwd?: string): Promise<{code: number; stderr: string; stdout: string}>
  /** Execution lanes from lanes.json, in merge order; empty when lanes.json is missing or invalid. */
  lanes: ReadonlyArray<{branch: string; laneId: string; worktree: string; wpIds: readonly string[]}>
  /** Why lanes.json could not be used, or null when it is fine. */
  lanesManifestError: null | string
  /** The pid of the live process holding the merge lock (liveness as the core's lock judges it; 0 when its pid is unknown), or null. */
  mergeLockHolder: null | number
  /** The merge lock file; a live holder means another merge is running. */
  mergeLockPath: string
  /** The mission branch, verbatim from lanes.json (never rebuilt from the slug). */
  missionBranch: string
  missionDir: string
  missionSlug: string
  push: boolean
  /**
   * Every local branch and remote-tracking ref (`refs/heads/…`, `refs/remotes/…`) and the object it
   * points to, read once with `git for-each-ref` before the checks run: look refs up here instead of
   * spawning git once per ref.
   */
  refs: Readonly<Record<string, string>>
  repoRoot: string
  /** Quote an argument so that a remediation command is safe to paste into a POSIX shell. */
  shellQuote(value: string): string
  /** True when this run resumes an interrupted merge (its state file is then expected). */
  resume: boolean
  /** State file of an interrupted merge of this mission, if any. */
  statePath: string
  strategy: 'merge' | 'rebase' | 'squash'
  targetBranch: string
  /** Current lane of every work package, from the event log. */
  wpLanes: Readonly<Record<string, string>>
}

export interface PreflightCheck {
  /** Stable id, reported as the blocker id (`missing_mission_branch`). */
  id: string
  /** Lower runs (and is reported) first. */
  order: number
  run(ctx: MergePreflightContext): Promise<PreflightResult | PreflightResult[]>
}

export type MergePreflightChecksContext = {
  apiVersion: number
}

// ---------------------------------------------------------------------------------------------
// lifecycle events (emitted by the core, consumed by plugin-sync)
// ---------------------------------------------------------------------------------------------

/**
 * A Spec Kitty domain event, in the vocabulary of the hosted service's contract: a work package
 * was created, changed lane, was assigned, got a history entry or saw a dependency done; a feature
 * (a mission) was created or completed. Payloads carry the contract's keys and nothing else.
 */
export interface LifecycleEvent {
  eventType: 'DependencyResolved' | 'FeatureCompleted' | 'FeatureCreated' | 'HistoryAdded' | 'WPAssigned' | 'WPCreated' | 'WPStatusChanged'
  /** `WorkPackage` (aggregateId `WPnn`) or `Feature` (aggregateId the mission slug). */
  aggregateType: 'Feature' | 'WorkPackage'
  aggregateId: string
  /** When it happened (a lane event's own `at`, not when it was handed over). */
  occurredAt: string
  /** The local status event id that caused it, when there is one. */
  causationId: null | string
  payload: Record<string, unknown>
  projectRoot: string
}

export type LifecycleEventsContext = {
  apiVersion: number
  events: LifecycleEvent[]
}

/** The custom hook events of spec-kitty, typed for `config.runHook<'event', Hooks>`. */
/** Context types are `type` aliases: oclif requires hook options assignable to Record<string, unknown>. */
export interface SpecKittyHooks extends Interfaces.Hooks {
  'lifecycle-events': {options: LifecycleEventsContext; return: void}
  'merge-preflight-checks': {options: MergePreflightChecksContext; return: PreflightCheck[]}
  'task-reference-parsers': {options: TaskReferenceParsersContext; return: TaskReferenceParser[]}
}

export type TaskReferenceParsersHook = Hook<'task-reference-parsers', SpecKittyHooks>
export type MergePreflightChecksHook = Hook<'merge-preflight-checks', SpecKittyHooks>
export type LifecycleEventsHook = Hook<'lifecycle-events', SpecKittyHooks>
