import {exitCodeOf} from './error-codes.js'
import {ExitCode, type ExitCodeValue} from './exit-codes.js'

export interface CliErrorOptions {
  /** What to do about it, worded so that it can be pasted or followed as is. */
  remediation?: string
  /** Only for a code the table (error-codes.ts) does not know, such as a plugin's: the table decides the rest. */
  exitCode?: ExitCodeValue
  /** Command-specific fields added next to `error` in the JSON document. */
  fields?: Record<string, unknown>
}

/**
 * An expected failure: a stable `code` for programs, a `message` for people and a `remediation`.
 * Anything thrown that is not a CliError is a bug and is reported as `internal_error`.
 */
export class CliError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly fields: Record<string, unknown>
  /** The message as constructed; oclif rewrites `message` of errors thrown from a flag's parse(). */
  readonly reason: string
  readonly remediation: string

  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(message)
    this.name = 'CliError'
    this.reason = message
    this.code = code
    this.remediation = options.remediation ?? ''
    // One code, one exit code, wherever it is thrown.
    this.exitCode = exitCodeOf(code) ?? options.exitCode ?? ExitCode.failed
    this.fields = options.fields ?? {}
  }

  toJSON(): Record<string, unknown> {
    return {...this.fields, error: {code: this.code, message: this.message, remediation: this.remediation}}
  }
}

/** An error with a code the table marks as bad usage (exit 2); the docs test holds every call to that. */
export function usageError(code: string, message: string, remediation: string): CliError {
  return new CliError(code, message, {remediation})
}

/** An unknown WP id is bad usage, like an unknown mission handle (exit 2, README and docs/exit-codes.md). */
export function wpNotFound(wpId: string, missionSlug: string): CliError {
  return usageError('wp_not_found', `${wpId} is not a work package of ${missionSlug}.`, `List them with: spec-kitty agent tasks list-tasks --mission ${missionSlug}`)
}
