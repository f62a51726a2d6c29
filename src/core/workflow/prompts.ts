import type {WorkPackageBrief} from './work-package-brief.js'

import {shellQuote} from '../output/shell-quote.js'

/** The commands an agent runs next, exactly as it can paste them. */
export type NextCommands = Record<string, string>

const checklist = (brief: WorkPackageBrief): string[] =>
  brief.subtasks.length === 0 ? ['(no subtasks listed)'] : brief.subtasks.map(s => `- [${s.done ? 'x' : ' '}] ${s.id}`)

export function implementationCommands(brief: WorkPackageBrief, slug: string, agent: string): NextCommands {
  const open = brief.subtasks.filter(s => !s.done).map(s => s.id)
  const m = `--mission ${slug}`
  return {
    for_review: `spec-kitty agent tasks move-task ${brief.wpId} --to for_review ${m} --agent ${shellQuote(agent)} --note "<what you did>"`,
    mark_done: `spec-kitty agent tasks mark-status ${open.length > 0 ? open.join(' ') : brief.wpId} --status done ${m}`,
  }
}

/** The full implementation prompt: where to work, what to do, what to check, how to hand in. */
export function implementationPrompt(brief: WorkPackageBrief, context: {agent: string; branch: string; slug: string; workspace: string}): string {
  const commands = implementationCommands(brief, context.slug, context.agent)
  return [
    `# Implement ${brief.wpId}${brief.title ? `: ${brief.title}` : ''}`,
    '',
    `Work in ${context.workspace} (branch ${context.branch}) and commit your changes there; nowhere else.`,
    `Mission ${context.slug}: spec ${brief.specFile}, plan ${brief.planFile}${brief.promptFile ? `, this prompt ${brief.promptFile}` : ''}.`,
    '',
    '## Instructions',
    '',
    brief.instructions || '(the work package has no prompt file: follow its section in tasks.md and the plan)',
    '',
    ...(brief.requirements.length > 0 ? ['## Requirements it covers', '', ...brief.requirements, ''] : []),
    '## Subtasks',
    '',
    ...checklist(brief),
    '',
    '## When you are done',
    '',
    `1. Commit in ${context.workspace}.`,
    `2. Tick what you finished: ${commands.mark_done}`,
    `3. Hand it in for review: ${commands.for_review}`,
    '',
  ].join('\n')
}

export function reviewCommands(wpId: string, slug: string, agent: string): NextCommands {
  const m = `--mission ${slug}`
  const who = shellQuote(agent)
  return {
    approve: `spec-kitty agent tasks move-task ${wpId} --to approved ${m} --agent ${who} --reviewer ${who} --approval-ref "<why it is right>"`,
    send_back: `spec-kitty agent tasks move-task ${wpId} --to planned ${m} --agent ${who} --review-feedback-file <feedback.md>`,
  }
}

/** The review prompt: what changed, against what it is checked, and the two ways to conclude. */
export function reviewPrompt(brief: WorkPackageBrief, context: {agent: string; diff: {branch: null | string; patch: string; stat: string; truncated: boolean}; slug: string}): string {
  const commands = reviewCommands(brief.wpId, context.slug, context.agent)
  const {diff} = context
  return [
    `# Review ${brief.wpId}${brief.title ? `: ${brief.title}` : ''}`,
    '',
    `Mission ${context.slug}: spec ${brief.specFile}, plan ${brief.planFile}${brief.promptFile ? `, work package ${brief.promptFile}` : ''}.`,
    '',
    '## What it had to do',
    '',
    brief.instructions || '(no prompt file: see its section in tasks.md)',
    '',
    ...(brief.requirements.length > 0 ? ['## Requirements', '', ...brief.requirements, ''] : []),
    ...(brief.successCriteria.length > 0 ? ['## Success criteria (spec.md)', '', ...brief.successCriteria, ''] : []),
    '## Subtasks',
    '',
    ...checklist(brief),
    '',
    `## What changed${diff.branch ? ` (${diff.branch} against the mission branch)` : ''}`,
    '',
    diff.stat || '(no changes found on the lane branch)',
    '',
    ...(diff.patch ? ['```diff', diff.patch.trimEnd(), '```', ...(diff.truncated ? ['(diff cut short; see the whole of it with git diff)'] : []), ''] : []),
    '## Conclude',
    '',
    `Approve: ${commands.approve}`,
    `Or send it back: write what must change to a file, then ${commands.send_back}`,
    '',
  ].join('\n')
}
