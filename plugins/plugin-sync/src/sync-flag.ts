const TRUTHY = new Set(['1', 'on', 'true', 'yes'])

/**
 * `SPEC_KITTY_ENABLE_SAAS_SYNC`: only 1/true/yes/on (trimmed, any case) turn sync on. Its own module
 * without imports: the hooks that run after every command check it before loading anything else.
 */
export function syncFlagOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return TRUTHY.has((env.SPEC_KITTY_ENABLE_SAAS_SYNC ?? '').trim().toLowerCase())
}
