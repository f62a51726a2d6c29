/**
 * The starting text of spec.md and plan.md: headings for the agent to fill. A file still equal to
 * its scaffold counts as not written (accept says so).
 */

export function specScaffold(friendlyName: string, slug: string): string {
  return `# Specification: ${friendlyName}\n\nMission: \`${slug}\`\n\n## Purpose\n\n## User Scenarios & Testing\n\n## Functional Requirements\n\n## Success Criteria\n`
}

/** The plan's sections, in order: what `agent mission setup-plan` asks the agent to fill. */
export const PLAN_SECTIONS = ['Summary', 'Technical Context', 'Architecture', 'Files to Create or Change', 'Data Model', 'Risks', 'Testing'] as const

export function planScaffold(friendlyName: string, slug: string): string {
  return `# Plan: ${friendlyName}\n\nMission: \`${slug}\` (spec: spec.md)\n\n${PLAN_SECTIONS.map(section => `## ${section}\n`).join('\n')}`
}
