#!/usr/bin/env node
// docs/commands.md: the command reference, generated from the built commands by `oclif readme`.
//   node scripts/command-reference.js          rewrite the reference
//   node scripts/command-reference.js --check  exit 1 if it is not current (a test runs this)
import {execFileSync} from 'node:child_process'
import {
  copyFileSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const reference = join(root, 'docs', 'commands.md')

/** Regenerate `path` in place; a fixed width so that the text does not depend on the terminal. */
function generate(path) {
  execFileSync(join(root, 'node_modules', '.bin', 'oclif'), ['readme', '--readme-path', path, '--no-source-links'], {
    cwd: root, env: {...process.env, COLUMNS: '100', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}, stdio: ['ignore', 'ignore', 'inherit'],
  })
}

if (process.argv.includes('--check')) {
  const scratch = mkdtempSync(join(tmpdir(), 'spec-kitty-reference-'))
  try {
    const fresh = join(scratch, 'commands.md')
    copyFileSync(reference, fresh)
    generate(fresh)
    if (readFileSync(fresh, 'utf8') !== readFileSync(reference, 'utf8')) {
      process.stderr.write('docs/commands.md is out of date with the commands. Run: npm run build && node scripts/command-reference.js\n')
      process.exitCode = 1
    }
  } finally {
    rmSync(scratch, {force: true, recursive: true})
  }
} else {
  generate(reference)
}
