/**
 * Which invocations the lean launcher may take, decided from argv alone before anything heavy loads:
 * `--version`, the lifecycle commands agents call dozens of times per work package, and the help of
 * both the root and those commands. The rest
 * (and these too, when the lean launcher declines) go to oclif. Kept free of imports: bin/run.js
 * loads this module on every start.
 */

/** The lifecycle commands, by oclif id (src/lifecycle/index.ts has their specs; a test holds the lists equal). */
export const LEAN_COMMAND_IDS: readonly string[] = ['agent:tasks:list-tasks', 'agent:tasks:mark-status', 'agent:tasks:move-task', 'agent:tasks:status']

/** `id` and `argv` as oclif's main.run hands them to hooks: the command id (or first word), then the rest. */
export type LeanRoute = {argv: string[]; id: string | undefined; kind: 'help'; subject: string} | {argv: string[]; id: string; kind: 'command'} | {kind: 'version'}

const HELP_FLAGS = new Set(['--help', '-h'])

export function leanRoute(argv: readonly string[], env: NodeJS.ProcessEnv): LeanRoute | undefined {
  // Off on request, and whenever oclif's own debug output was asked for.
  if (env.SPEC_KITTY_LEAN === '0' || env.DEBUG || env.SPEC_KITTY_DEBUG) return undefined
  // oclif's order: --version as the first word wins over any help flag.
  if (argv[0] === '--version') return {kind: 'version'}
  const end = argv.indexOf('--')
  if (argv.length === 0 || (end === -1 ? argv : argv.slice(0, end)).some(word => HELP_FLAGS.has(word))) {
    if (argv.every(word => HELP_FLAGS.has(word))) return {
      argv: argv.slice(1), id: argv[0], kind: 'help', subject: '',
    }
    // A command's help: its words first, then the help flag among any others.
    const command = commandAt(argv)
    return command && {
      argv: command.rest, id: command.id, kind: 'help', subject: command.id,
    }
  }

  const command = commandAt(argv)
  return command && {argv: command.rest, id: command.id, kind: 'command'}
}

/** The lifecycle command the words start with, typed with spaces (`agent tasks status`) or colons. */
function commandAt(words: readonly string[]): undefined | {id: string; rest: string[]} {
  for (const id of LEAN_COMMAND_IDS) {
    const parts = id.split(':')
    if (words[0] === id) return {id, rest: words.slice(1)}
    if (parts.every((part, i) => words[i] === part)) return {id, rest: words.slice(parts.length)}
  }

  return undefined
}
