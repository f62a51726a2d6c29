import type {PreflightCheck} from 'spec-kitty/api'

const LANDABLE = new Set(['approved', 'done'])

/** Every work package of the mission is approved or done before anything lands (upstream checked after). */
export const workPackagesApprovedCheck: PreflightCheck = {
  id: 'wp_not_approved',
  order: 70,
  async run(ctx) {
    const wpIds = new Set([...ctx.lanes.flatMap(lane => lane.wpIds), ...Object.keys(ctx.wpLanes)])
    const pending = [...wpIds].sort().filter(wp => !LANDABLE.has(ctx.wpLanes[wp] ?? 'genesis'))
    if (pending.length === 0) return {message: `All ${wpIds.size} work package(s) are approved or done.`, verdict: 'pass'}
    return {
      details: {work_packages: Object.fromEntries(pending.map(wp => [wp, ctx.wpLanes[wp] ?? 'genesis']))},
      message: `Not approved yet: ${pending.map(wp => `${wp} (${ctx.wpLanes[wp] ?? 'genesis'})`).join(', ')}.`,
      remediation: `Review and approve them: spec-kitty agent tasks move-task ${pending[0]} --to approved --mission ${ctx.missionSlug}`,
      verdict: 'blocker',
    }
  },
}
