import {usageError} from '../output/cli-error.js'

/** Letters, digits and `._/-`, starting with a letter or digit: never an option, a glob or a shell word. */
const SAFE_BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/

/**
 * Branch names from flags reach git's argv and the remediation commands we print. git allows more
 * than this (check-ref-format), but nothing a mission needs, and a leading `-` would be read as an
 * option.
 */
export function assertSafeBranchName(name: string, flag: string): void {
  const unsafe = !SAFE_BRANCH.test(name) || name.includes('..') || name.includes('//') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')
  if (unsafe) {
    throw usageError('invalid_branch', `Invalid ${flag} ${JSON.stringify(name)}: use letters, digits, '.', '_', '/' and '-' only (no "..", no leading '-').`, `Pass an existing branch name, e.g. ${flag} main.`)
  }
}
