import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {fileTreeFingerprint} from './fingerprint.js'
import {repositoryFingerprint} from './merge-fixtures.js'
import {type CliResult, parseJson, type Sandbox} from './sandbox.js'
import {assertSchema} from './schemas.js'

/** The command failed with `code` (exit `exit`), one schema-valid JSON error with a remediation. */
export function expectError(result: CliResult, code: string, exit = 1): void {
  expect(result.code, `${result.stdout}${result.stderr}`).to.equal(exit)
  const document = parseJson(result.stdout)
  assertSchema('error', document)
  const error = document.error as {code: string; remediation: string}
  expect(error.code).to.equal(code)
  expect(error.remediation).not.to.equal('')
}

/** Run `args` and require `code`, with the work tree and git state exactly as before. */
export function refusedWithoutChange(sandbox: Sandbox, args: string[], code: string, env: NodeJS.ProcessEnv = {}, exit = 1): void {
  const hasWorkTree = existsSync(join(sandbox.repo, '.git'))
  // Let git refresh its index stat cache first (a chmod changes ctimes), so only real changes show.
  if (hasWorkTree) sandbox.git(['status', '--porcelain'])
  const files = fileTreeFingerprint(sandbox.repo)
  const git = hasWorkTree ? repositoryFingerprint(sandbox) : ''
  expectError(sandbox.cli([...args, '--json'], {env}), code, exit)
  expect(fileTreeFingerprint(sandbox.repo), `${args.join(' ')} changed files`).to.equal(files)
  if (git) expect(repositoryFingerprint(sandbox), `${args.join(' ')} changed git state`).to.equal(git)
}

