import type {SpecKittyRuntime, SpecKittyRuntimeProvider} from 'spec-kitty/api'

/** The API version whose runtime this plugin was written against. */
const NEEDS_API = 2
let bound: SpecKittyRuntime | undefined

/**
 * The core's runtime (its lock, durable write and output contract), from the provider its init hook
 * put on the oclif config's options. Bound where this plugin first needs it: a command's run, the
 * hooks once they have work to do.
 */
export async function bindRuntime(config: object): Promise<SpecKittyRuntime> {
  // oclif's public Config type does not list `options`, where the core puts the provider.
  const provider = (config as {options?: {specKitty?: SpecKittyRuntimeProvider}}).options?.specKitty
  if (!provider || provider.apiVersion < NEEDS_API) {
    throw new Error(`@spec-kitty/plugin-sync needs spec-kitty's plugin runtime (API version ${NEEDS_API} or newer); update spec-kitty.`)
  }

  bound = await provider.load()
  return bound
}

export function runtime(): SpecKittyRuntime {
  if (!bound) throw new Error('@spec-kitty/plugin-sync was used before an entry point bound the spec-kitty runtime.')
  return bound
}
