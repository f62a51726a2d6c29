#!/usr/bin/env node
// The lifecycle smoke of the release-blocker specification, with SPEC_KITTY_ENABLE_SAAS_SYNC=1 for
// every command (C-002), against the real test sync server in its failure modes and healthy mode.
// Writes smoke-evidence.md: every command, its exit code, stdout and stderr, and a verdict per
// success criterion 1-6. Exit 0 only when every verdict passes. Usage: npm run smoke
// (runs under tsx so it can reuse the TypeScript test support: node --import tsx scripts/smoke.js)
import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {outboxDir} from '../plugins/plugin-sync/src/sync-paths.js'
import {readyMission} from '../test/support/merge-fixtures.js'
import {createMission} from '../test/support/missions.js'
import {REPO_ROOT, Sandbox} from '../test/support/sandbox.js'
import {startSyncServerProcess} from '../test/support/sync-server-process.js'
import {TEST_USER} from '../test/support/sync-server.js'

const sections = []
const verdicts = []

/** Run the CLI with sync on, record the run, and return it with its parsed JSON (if any). */
function run(sandbox, args, note = '') {
  const result = sandbox.cli(args)
  let json
  try {
    json = JSON.parse(result.stdout)
  } catch {
    json = undefined
  }

  sections.push({args, note, ...result})
  return {...result, json}
}

/** A fresh project in its own sandbox, every command with sync on (C-002); removed afterwards. */
async function inSandbox(body) {
  const sandbox = new Sandbox()
  sandbox.env.SPEC_KITTY_ENABLE_SAAS_SYNC = '1'
  sandbox.env.SPEC_KITTY_SYNC_BUDGET_MS = '2500'
  try {
    sandbox.initProject()
    return await body(sandbox)
  } finally {
    sandbox.cleanup()
  }
}

function verdict(criterion, ok, detail) {
  verdicts.push({criterion, detail, ok})
}

const diagnostics = stderr => stderr.split('\n').filter(line => line.startsWith('sync_diagnostic'))

/** SC1: a successful local change stays clean whatever the sync server does. */
async function syncFaults(server, sandbox) {
  const {slug} = createMission(sandbox, '# Tasks\n\n## WP01: Smoke\n\n- [ ] T001 one\n', {}, 'smoke-sync')
  const config = sandbox.env.SPEC_KITTY_CONFIG_DIR
  const session = () => JSON.parse(readFileSync(join(config, 'session.json'), 'utf8'))
  let lane = 'in_progress'
  const modes = [
    ['healthy', null],
    ['never-answer', 'sync.event_loop_unavailable'],
    ['403', 'sync.server_auth_failure'],
    ['500', 'sync.server_error'],
    ['400-plain', 'sync.server_error'],
  ]
  // The contract server runs in its own process, so this blocking run cannot freeze it.
  run(sandbox, ['auth', 'login', '--server', server.url, '--token', 'good-token', '--refresh-token', 'good-refresh', '--json'])
  const move = note => {
    const result = run(sandbox, ['agent', 'tasks', 'move-task', 'WP01', '--to', lane, '--mission', slug, '--no-auto-commit', '--json'], note)
    lane = lane === 'in_progress' ? 'blocked' : 'in_progress'
    return result
  }

  const check = (mode, expected, result) => {
    const lines = diagnostics(result.stderr)
    const all = result.stdout + result.stderr
    const success = result.code === 0 && result.json !== undefined && !('error' in result.json)
    const noNoise = !all.includes('Connection failed') && !all.includes('\u001B[') && !all.includes('good-token')
    const clean = success && noNoise
    const ok = clean && (expected === null ? lines.length === 0 : lines.length === 1 && lines[0].includes(`diagnostic_code=${expected}`))
    verdict(1, ok, `${mode}: exit ${result.code}, stdout ${result.json ? 'one JSON document' : 'NOT JSON'}, ${lines.length} sync_diagnostic line(s)${lines[0] ? ` (${/diagnostic_code=(\S+)/.exec(lines[0])[1]})` : ''}`)
  }

  for (const [mode, expected] of modes) {
    // eslint-disable-next-line no-await-in-loop -- one fault at a time
    await server.send(mode)
    check(mode, expected, move(`server mode: ${mode}`))
  }

  await server.send('healthy')
  const queue = outboxDir(server.url, `${TEST_USER.email}|team-a`, sandbox.env)
  writeFileSync(join(queue, 'drain.lock'), `${process.pid}\n`)
  check('drain lock held by another live process', 'sync.final_sync_lock_unavailable', move('drain lock held by a live process'))
  rmSync(join(queue, 'drain.lock'))
  writeFileSync(join(config, 'session.json'), JSON.stringify({...session(), access_expires_at: '2020-01-01T00:00:00.000Z'}), {mode: 0o600})
  writeFileSync(join(config, 'refresh.lock'), `${process.pid}\n`)
  check('refresh lock held while the token is expired', 'sync.auth_refresh_in_progress', move('refresh lock held, token expired'))
  rmSync(join(config, 'refresh.lock'))

  const drained = run(sandbox, ['sync', 'now', '--json'], 'healthy again: deliver everything queued')
  const stats = JSON.parse(await server.send('stats'))
  // Resends after a silent server arrive as duplicates; the server must still hold each event once.
  // The 400 above rejected its events once; they stay queued with a retry count and go now.
  const distinct = Object.keys(stats.arrivals).length
  verdict(1, drained.code === 0 && drained.json?.queue_depth === 0 && stats.received === distinct, `later delivery: sync now exit ${drained.code}, queue_depth ${drained.json?.queue_depth}; the server stored ${stats.received} event(s) for ${distinct} distinct event id(s)`)
  await server.send('close')
  check('server port closed', 'sync.websocket_offline', move('server port closed'))
}

/** SC2: mark-status resolves checkbox rows, pipe tables, Subtasks: lines and bare WP ids. */
function markStatusFormats(sandbox) {
  const tasks = [
    '# Tasks',
    '',
    '| ID | Description | WP | Status |',
    '|----|----|----|----|',
    '| T010 | Table row | WP02 | [ ] |',
    '',
    '## WP01: Checkbox',
    '',
    '- [ ] T001 Checkbox row',
    '',
    '## WP02: Table',
    '',
    'See the table above.',
    '',
    '## WP03: Inline',
    '',
    '**Subtasks**: T020, T021',
    '',
  ].join('\n')
  const {slug} = createMission(sandbox, tasks, {}, 'smoke-formats')
  const result = run(sandbox, ['agent', 'tasks', 'mark-status', 'T001', 'T010', 'T020', 'WP03', 'T999', '--status', 'done', '--mission', slug, '--no-auto-commit', '--json'])
  const formats = Object.fromEntries((result.json?.results ?? []).map(r => [r.id, `${r.outcome}/${r.format}`]))
  const expected = {
    T001: 'updated/checkbox', T010: 'updated/pipe_table', T020: 'updated/inline_subtasks', T999: 'not_found/null', WP03: 'updated/wp_id',
  }
  const ok = result.code === 0 && Object.entries(expected).every(([id, format]) => formats[id] === format)
  verdict(2, ok, `exit ${result.code}; ${Object.entries(formats).map(([id, f]) => `${id} ${f}`).join(', ')}`)
  const again = run(sandbox, ['agent', 'tasks', 'mark-status', 'T001', '--status', 'done', '--mission', slug, '--no-auto-commit', '--json'], 're-run: already satisfied')
  verdict(2, again.code === 0 && again.json?.results?.[0]?.outcome === 'already_satisfied', `re-run of T001: ${again.json?.results?.[0]?.outcome}`)
}

/** SC4 and SC6 (#966): the missing mission branch, and an all-approved board that does not claim done. */
function mergeDryRun(sandbox) {
  // Legacy layout: a mission with a coordination worktree has its branch checked out there, so it cannot vanish this way.
  const mission = readyMission(sandbox, {legacy: true})
  const board = run(sandbox, ['agent', 'tasks', 'status', '--mission', mission.slug, '--json'], '#966: every WP approved, none merged')
  const human = run(sandbox, ['agent', 'tasks', 'status', '--mission', mission.slug], '#966: the human board')
  verdict(6, board.json?.done_count === 0 && board.json?.progress_semantics === 'weighted_readiness' && human.stdout.includes('0/2 done'), `#966: done_count ${board.json?.done_count}, readiness ${board.json?.weighted_percentage}%, human "${human.stdout.split('\n')[0]}"`)

  sandbox.git(['branch', '-D', mission.missionBranch])
  const dry = run(sandbox, ['merge', '--mission', mission.slug, '--dry-run', '--json'], 'fresh workspace: the mission branch was never created')
  const doc = dry.json ?? {}
  verdict(4, dry.code === 1 && doc.ready === false && doc.blocker === 'missing_mission_branch' && doc.expected_branch === mission.missionBranch && typeof doc.remediation === 'string', `dry run exit ${dry.code}: ready=${doc.ready}, blocker=${doc.blocker}, expected_branch=${doc.expected_branch}, remediation=${doc.remediation}`)
  run(sandbox, ['merge', '--mission', mission.slug, '--dry-run'], 'the same, for a human')
  const real = run(sandbox, ['merge', '--mission', mission.slug, '--json'], 'the real merge agrees and stops before any change')
  verdict(4, real.code === 1 && real.json?.blocker === 'missing_mission_branch', `real merge exit ${real.code}, blocker ${real.json?.blocker}`)
  sandbox.git(String(doc.remediation).split(' ').slice(1))
  sections.push({
    args: ['(shell)', ...String(doc.remediation).split(' ')], code: 0, note: 'paste the remediation', stderr: '', stdout: '',
  })
  const ready = run(sandbox, ['merge', '--mission', mission.slug, '--dry-run', '--json'], 'after the remediation')
  const merged = run(sandbox, ['merge', '--mission', mission.slug, '--json'], 'the real merge lands')
  verdict(4, ready.json?.ready === true && merged.code === 0, `after the remediation: dry run ready=${ready.json?.ready}, real merge exit ${merged.code}`)
}

/** Run mocha on some test files in one process; returns its summary line. */
function mocha(files, grep) {
  const args = ['--no-config', '--node-option', 'import=tsx', '--require', 'test/support/hermetic-env.ts', '--reporter', 'test/support/summary-reporter.cjs', '--timeout', '300000', ...(grep ? ['--grep', grep] : []), ...files]
  const result = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'mocha'), args, {cwd: REPO_ROOT, encoding: 'utf8'})
  const summary = result.stdout.trim().split('\n').at(-1) ?? ''
  sections.push({
    args: ['mocha', ...files, ...(grep ? ['--grep', grep] : [])], code: result.status, note: 'test run', stderr: result.stderr.slice(-2000), stdout: summary,
  })
  return {code: result.status, summary}
}

const passed = summary => /^tests: [1-9]\d* passed, 0 failed, 0 skipped$/.test(summary)

function fence(text) {
  const body = text.length > 3000 ? `${text.slice(0, 3000)}\n… (${text.length - 3000} more characters)` : text
  return `\`\`\`\n${body.replace(/\n$/, '') || '(empty)'}\n\`\`\``
}

/** Quote an argument for a POSIX shell, so every command in the evidence can be pasted. */
const shellQuote = arg => (/^[\w./:=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", String.raw`'\''`)}'`)

function writeEvidence() {
  const lines = [
    '# Smoke evidence: release-blocker cleanup',
    '',
    `Generated by \`npm run smoke\` on ${new Date().toISOString()} (node ${process.version}). Every spec-kitty command ran with SPEC_KITTY_ENABLE_SAAS_SYNC=1 against the test sync server on 127.0.0.1.`,
    '',
    '## Verdicts',
    '',
    '| SC | Verdict | Detail |',
    '|---|---|---|',
    ...verdicts.map(v => `| ${v.criterion} | ${v.ok ? 'PASS' : 'FAIL'} | ${v.detail.replaceAll('|', String.raw`\|`)} |`),
    '',
    '## Commands',
    '',
  ]
  for (const section of sections) {
    const command = section.args[0] === 'mocha' || section.args[0] === '(shell)' ? section.args.slice(1).map(arg => shellQuote(arg)).join(' ') : `spec-kitty ${section.args.map(arg => shellQuote(arg)).join(' ')}`
    lines.push(`### \`${command}\``, '', section.note ? `${section.note}. ` : '', `Exit code: ${section.code}`, '', 'stdout:', fence(section.stdout), '', 'stderr:', fence(section.stderr), '')
  }

  writeFileSync(join(REPO_ROOT, 'smoke-evidence.md'), lines.join('\n'))
}

const server = await startSyncServerProcess()
try {
  await inSandbox(sandbox => syncFaults(server, sandbox))
  await inSandbox(sandbox => markStatusFormats(sandbox))
  await inSandbox(sandbox => mergeDryRun(sandbox))
  const drift = mocha(['test/e2e/contract-drift-caught.test.ts'])
  verdict(3, passed(drift.summary), `contract_drift_caught: ${drift.summary}`)
  const consumerPin = JSON.parse(readFileSync(join(REPO_ROOT, 'test/e2e/fixtures/downstream-consumer/downstream_consumer/contract/event-envelope-3.0.0.json'), 'utf8')).$id
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/event-envelope.schema.json'), 'utf8')).$id
  verdict(6, consumerPin === shipped, `#848 (pin drift): the consumer pins ${consumerPin}; the CLI ships ${shipped}`)
  const regression = mocha(['test/unit/tasks/mark-status.test.ts', 'test/integration/mark-status.test.ts', 'test/integration/sync.test.ts', 'test/integration/merge.test.ts', 'test/e2e/nested-env.test.ts', 'test/e2e/contract-drift-caught.test.ts'])
  verdict(5, passed(regression.summary), `the four regression suites in one run: ${regression.summary}`)
} finally {
  server.stop()
  writeEvidence()
}

const failed = verdicts.filter(v => !v.ok)
for (const v of verdicts) console.log(`SC${v.criterion} ${v.ok ? 'PASS' : 'FAIL'}  ${v.detail}`)
console.log(`\nsmoke-evidence.md written; ${verdicts.length - failed.length}/${verdicts.length} verdicts pass`)
process.exitCode = failed.length > 0 ? 1 : 0
