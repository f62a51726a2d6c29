import type {Hook} from '@oclif/core'

import {API_VERSION, type SpecKittyRuntime, type SpecKittyRuntimeProvider} from '../api/index.js'

/**
 * Before any command or other hook: lend plugins the core's mechanisms as `config.options.specKitty`.
 * On the config's options, not the config itself: oclif builds each command a fresh Config from the
 * options of this one (Command.run → Config.load), and the options are what it carries over. The
 * runtime's modules load on first use: `--version` and `--help` never pay for them.
 */
const hook: Hook.Init = async function (options) {
  const loadOptions = (options.config as unknown as {options: Record<string, unknown>}).options
  if (Object.hasOwn(loadOptions, 'specKitty')) return
  let runtime: Promise<SpecKittyRuntime> | undefined
  const provider: SpecKittyRuntimeProvider = {
    apiVersion: API_VERSION,
    load() {
      runtime ??= import('../core/plugin-runtime.js').then(module => module.createRuntime())
      return runtime
    },
  }
  loadOptions.specKitty = provider
}

export default hook
