/**
 * The only module that writes a command's result to stdout. In JSON mode exactly one document is
 * written; everything else a command wants to say goes to stderr through `note`.
 */

import type {CliError} from './cli-error.js'

export interface CommandOutcome {
  /** The --json document. */
  document: Record<string, unknown>
  /** Set when the command failed with an error (printed to stderr in human mode). */
  error?: CliError
  /** Human lines for stdout (without --json). */
  human: string[]
  exitCode: number
  /** Work that goes on after the outcome is printed (a server that serves until it is stopped). */
  after?: () => Promise<void>
}

export function printJson(document: unknown): void {
  process.stdout.write(JSON.stringify(document, null, 2) + '\n')
}

export function printHuman(lines: readonly string[]): void {
  if (lines.length > 0) printText(lines.join('\n') + '\n')
}

/** Text laid out already, written as it is: oclif's help and version line, a hook's `this.log`. */
export function printText(text: string): void {
  process.stdout.write(text)
}

/** A failure in the contract's two shapes: the JSON document on stdout, or two lines on stderr. */
export function printFailure(error: CliError, json: boolean): void {
  if (json) {
    printJson(error.toJSON())
    return
  }

  process.stderr.write(`Error: ${error.message}\n${error.remediation ? `Remediation: ${error.remediation}\n` : ''}`)
}

/** A side remark for people (progress, hints); never on stdout so that --json stays clean. */
export function note(line: string): void {
  process.stderr.write(line + '\n')
}
