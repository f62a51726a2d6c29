import type {CommandSpec, FlagSpec, ParsedInput} from '../command-spec.js'

/**
 * The lean launcher's flag parser: the plain forms agents type (`--flag value`, `--flag=value`,
 * `--no-flag`, flags and arguments in any order), parsed to what oclif's parser gives for them.
 * Anything else (a short flag, `--`, a repeated flag, a value that looks like a flag, an unknown or
 * missing flag, a value a check refuses) is declined with `undefined`, and the full launcher lets
 * oclif parse it and word the usage error. test/unit/launch/argv.test.ts holds the two parsers equal.
 */

/** `--json`, every command's (SpecKittyCommand.baseFlags). */
const JSON_FLAG: FlagSpec = {description: '', kind: 'boolean'}
const INTEGER = /^-?\d+$/

type Value = boolean | number | string
type Values = Record<string, Value | undefined>

/** A flag's value as oclif would give it, or undefined where oclif would refuse it. */
function flagValue(spec: FlagSpec, raw: string): number | string | undefined {
  if (spec.kind === 'integer') {
    if (!INTEGER.test(raw)) return undefined
    const value = Number(raw)
    return spec.min !== undefined && value < spec.min ? undefined : value
  }

  if (spec.kind === 'string') {
    if (spec.options && !spec.options.includes(raw)) return undefined
    try {
      spec.check?.(raw)
    } catch {
      return undefined
    }
  }

  return raw
}

/**
 * The flag at `tokens[at]`: its name, its value and how many tokens it took, or undefined to decline.
 * A boolean takes no `=value`; `--no-x` only where x allows it; a value never starts with `-` unless
 * given after `=`.
 */
function readFlag(flags: Record<string, FlagSpec>, tokens: readonly string[], at: number): undefined | {name: string; taken: number; value: Value} {
  const token = tokens[at]
  const eq = token.indexOf('=')
  const name = token.slice(2, eq === -1 ? undefined : eq)
  if (Object.hasOwn(flags, name)) {
    const flag = flags[name]
    if (flag.kind === 'boolean') return eq === -1 ? {name, taken: 1, value: true} : undefined
    const raw = eq === -1 ? tokens[at + 1] : token.slice(eq + 1)
    if (raw === undefined || (eq === -1 && raw.startsWith('-'))) return undefined
    const value = flagValue(flag, raw)
    return value === undefined ? undefined : {name, taken: eq === -1 ? 2 : 1, value}
  }

  const positive = name.slice(3)
  const negated = name.startsWith('no-') && Object.hasOwn(flags, positive) ? flags[positive] : undefined
  return negated?.kind === 'boolean' && negated.allowNo && eq === -1 ? {name: positive, taken: 1, value: false} : undefined
}

/** The named arguments (normalized) and oclif's argv: named ones as parsed, the rest as typed. */
function bindArgs(spec: CommandSpec, positionals: readonly string[]): undefined | {args: Record<string, string | undefined>; argv: string[]} {
  const names = Object.keys(spec.args)
  if (spec.strict && positionals.length > names.length) return undefined
  const args: Record<string, string | undefined> = {}
  const argv = [...positionals]
  try {
    for (const [index, name] of names.entries()) {
      const raw = positionals[index]
      if (raw === undefined) {
        if (spec.args[name].required) return undefined
        continue
      }

      args[name] = spec.args[name].normalize?.(raw) ?? raw
      argv[index] = args[name]
    }
  } catch {
    return undefined
  }

  return {args, argv}
}

export function parseArgv(spec: CommandSpec, tokens: readonly string[]): ParsedInput<Record<string, FlagSpec>> | undefined {
  const flags: Record<string, FlagSpec> = {...spec.flags, json: JSON_FLAG}
  const values: Values = {}
  const positionals: string[] = []
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i]
    if (!token.startsWith('-')) {
      positionals.push(token)
      i++
      continue
    }

    if (!token.startsWith('--') || token === '--') return undefined
    const flag = readFlag(flags, tokens, i)
    if (!flag || Object.hasOwn(values, flag.name)) return undefined
    values[flag.name] = flag.value
    i += flag.taken
  }

  for (const [name, flag] of Object.entries(flags)) {
    if (values[name] !== undefined) continue
    if (flag.required) return undefined
    if (flag.kind === 'boolean' && flag.default !== undefined) values[name] = flag.default
  }

  const bound = bindArgs(spec, positionals)
  return bound && {...bound, flags: values as ParsedInput<Record<string, FlagSpec>>['flags']}
}
