/** A positive whole number from the environment (a timeout, say), or `fallback` when unset or not one. */
export function positiveIntegerFromEnv(name: string, fallback: number): number {
  const configured = Number(process.env[name])
  return Number.isInteger(configured) && configured > 0 ? configured : fallback
}
