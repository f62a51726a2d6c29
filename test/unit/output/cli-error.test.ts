import {expect} from 'chai'

import {CliError, usageError} from '../../../src/core/output/cli-error.js'
import {ERROR_CODES} from '../../../src/core/output/error-codes.js'

describe('error codes and exit codes', () => {
  it('a known code exits as the table says, whatever the call site asks', () => {
    expect(new CliError('invalid_config', 'x', {exitCode: 2}).exitCode).to.equal(1)
    expect(new CliError('mission_not_found', 'x').exitCode).to.equal(2)
    expect(usageError('invalid_wp_id', 'x', 'y').exitCode).to.equal(2)
  })

  it('a code the table does not know (a plugin\'s) exits as asked, else 1', () => {
    expect(new CliError('example.frozen', 'x', {exitCode: 2}).exitCode).to.equal(2)
    expect(new CliError('example.frozen', 'x').exitCode).to.equal(1)
  })

  it('every entry has an exit code of 1 or 2 and a one-sentence meaning', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect([1, 2], code).to.include(entry.exit)
      expect(entry.meaning, code).to.match(/^\S.{8,}[.)]$/s)
    }
  })
})
