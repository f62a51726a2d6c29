import levenshtein from 'fast-levenshtein'

/**
 * The candidate nearest to what was typed, if near at all: a suggestion more than half the typed
 * length in edits away is noise, not help. (Ranked as @oclif/plugin-not-found ranks commands.)
 */
export function nearest(typed: string, candidates: readonly string[]): string | undefined {
  let best: {candidate: string; distance: number} | undefined
  for (const candidate of candidates) {
    const distance = levenshtein.get(typed, candidate, {useCollator: true})
    if (!best || distance < best.distance) best = {candidate, distance}
  }

  return best && best.distance <= Math.ceil(typed.length / 2) ? best.candidate : undefined
}
