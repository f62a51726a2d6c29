import {Args, Flags, type Interfaces} from '@oclif/core'

import type {
  ArgSpec, BooleanFlagSpec, CommandSpec, FlagSpec, IntegerFlagSpec, StringFlagSpec,
} from './command-spec.js'
import type {CommandOutcome} from './core/output/render.js'

import {SpecKittyCommand} from './base-command.js'

/** One flag spec as the oclif flag it describes; `check` becomes oclif's parse step. */
export function oclifFlag(spec: StringFlagSpec): Interfaces.OptionFlag<string | undefined>
export function oclifFlag(spec: BooleanFlagSpec): Interfaces.BooleanFlag<boolean>
export function oclifFlag(spec: IntegerFlagSpec): Interfaces.OptionFlag<number | undefined>
export function oclifFlag(spec: FlagSpec): Interfaces.BooleanFlag<boolean> | Interfaces.OptionFlag<number | string | undefined>
export function oclifFlag(spec: FlagSpec): unknown {
  const common = {description: spec.description, ...(spec.required ? {required: true} : {})}
  switch (spec.kind) {
  case 'boolean': {
    return Flags.boolean({...common, ...(spec.allowNo ? {allowNo: true} : {}), ...(spec.default === undefined ? {} : {default: spec.default})})
  }

  case 'integer': {
    return Flags.integer({...common, ...(spec.min === undefined ? {} : {min: spec.min})})
  }

  case 'string': {
    const {check} = spec
    // oclif spreads these over its defaults: a key present as undefined would erase its default parse.
    return Flags.string({
      ...common,
      ...(spec.helpValue ? {helpValue: spec.helpValue} : {}),
      ...(spec.options ? {options: [...spec.options]} : {}),
      ...(check
        ? {
          async parse(input: string) {
            check(input)
            return input
          },
        }
        : {}),
    })
  }
  }
}

export function oclifArg(spec: ArgSpec & {required: true}): Interfaces.Arg<string>
export function oclifArg(spec: ArgSpec): Interfaces.Arg<string | undefined>
export function oclifArg(spec: ArgSpec): unknown {
  const {normalize} = spec
  return Args.string({description: spec.description, required: spec.required, ...(normalize ? {parse: async (input: string) => normalize(input)} : {})})
}

/** The oclif command class of a spec: what help, the manifest and the full launcher use. */
export function specCommand(spec: CommandSpec): typeof SpecKittyCommand {
  const flags: Interfaces.FlagInput = Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, oclifFlag(flag)]))
  const args: Interfaces.ArgInput = Object.fromEntries(Object.entries(spec.args).map(([name, arg]) => [name, oclifArg(arg)]))
  const SpecCommand: typeof SpecKittyCommand = class extends SpecKittyCommand {
    static args = args
    static description = spec.description
    static examples = spec.examples
    static flags = flags
    static strict = spec.strict
    static summary = spec.summary

    protected async execute(): Promise<CommandOutcome> {
      // The class itself, not its flags alone: oclif adds the base flags (--json) from it.
      const {args: parsedArgs, argv, flags: parsedFlags} = await this.parseInput(SpecCommand)
      return spec.run({args: parsedArgs, argv: argv as string[], flags: parsedFlags}, this.hooks)
    }
  }
  return SpecCommand
}
