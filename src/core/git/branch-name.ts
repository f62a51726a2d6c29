import {CliError, usageError} from '../output/cli-error.js'
import {shellQuote} from '../output/shell-quote.js'

/** Letters, digits and `._/-`, starting with a letter or digit: never an option, a glob or a shell word. */
const SAFE_BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/

/**
 * A branch name that may reach git's argv and the commands we print: a strict subset of what
 * `git check-ref-format --branch` accepts (a test holds the two against each other), and never
 * something git would read as an option.
 */
export function isSafeBranchName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length > 200 || !SAFE_BRANCH.test(name)) return false
  if (name.includes('..') || name.includes('//') || name.endsWith('/') || name.endsWith('.')) return false
  return name.split('/').every(part => !part.startsWith('.') && !part.endsWith('.lock'))
}

/** Branch names from flags: a usage error (exit 2) before anything is looked up. */
export function assertSafeBranchName(name: string, flag: string): void {
  if (!isSafeBranchName(name)) {
    throw usageError('invalid_branch', `Invalid ${flag} ${JSON.stringify(name)}: use letters, digits, '.', '_', '/' and '-' only (no "..", no leading '-').`, `Pass an existing branch name, e.g. ${flag} main.`)
  }
}

/**
 * A branch name read from a mission file (lanes.json, meta.json, a merge state file): files arrive
 * in pull requests, so an unsafe value is refused with `code`, naming the file and the key.
 */
export function branchFromFile(value: unknown, path: string, key: string, code: string): string {
  if (isSafeBranchName(value)) return value
  throw new CliError(code, `${path}: ${key} ${JSON.stringify(value)} is not a valid branch name.`, {
    remediation: `Restore the file from git (git checkout -- ${shellQuote(path)}), or set ${key} to an existing branch name.`,
  })
}
