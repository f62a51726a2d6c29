/**
 * The mission steps a coding agent runs as slash commands (`/spec-kitty.implement`, ...), one
 * source text per step, in our own words. `{ARGS}` stands for what the user typed after the
 * command; each agent format puts its own placeholder there (agent-formats.ts). Every
 * `spec-kitty ...` line here is checked against the real commands and flags by a test.
 */
export interface StepTemplate {
  body: string
  description: string
  step: string
}

const MISSION = 'The mission slug is its folder name under `kitty-specs/` (`<name>-<8 characters>`; the name alone works while it is unique). Every command below takes `--mission <slug>` and `--json` (one JSON document on stdout).'

export const STEP_TEMPLATES: readonly StepTemplate[] = [
  {
    body: `Turn the user's request into a mission specification.

User request: {ARGS}

1. Pick a short kebab-case slug and run:
   \`spec-kitty agent mission create <slug> --friendly-name "<title>" --purpose-tldr "<one line>" --json\`
   Note \`mission_slug\` and \`spec_file\` from the output.
2. Write the specification into \`spec_file\`: the purpose, user scenarios, functional requirements
   (numbered, testable) and success criteria. Ask the user about anything you would otherwise guess.
3. Next step: /spec-kitty.plan`,
    description: 'Create a mission and write its specification',
    step: 'specify',
  },
  {
    body: `Write the technical plan for a mission whose spec.md is done.

User input: {ARGS}

${MISSION}

1. Start the plan: \`spec-kitty agent mission setup-plan --mission <slug> --json\`
   It writes \`plan_file\` from a scaffold (or keeps the one there) and lists its \`sections\`.
   If \`spec_written\` is false, write the specification first (/spec-kitty.specify).
2. Read \`spec_file\`, then fill every section of \`plan_file\`: the architecture, the files to create
   or change, the data model, the risks, and how each requirement will be tested.
3. Next step: /spec-kitty.tasks`,
    description: 'Write the mission plan (plan.md)',
    step: 'plan',
  },
  {
    body: `Break the plan into work packages and subtasks.

User input: {ARGS}

${MISSION}

1. Write \`kitty-specs/<slug>/tasks.md\` with one section per work package
   (\`## Work Package WP01: <title>\`) holding its subtask rows (\`- [ ] T001 <what>\`), and one prompt
   file per work package, \`kitty-specs/<slug>/tasks/WP01-<name>.md\`, with frontmatter
   \`work_package_id\`, \`title\`, \`subtasks\`, \`dependencies\` and \`owned_files\`. The formats are
   in docs/writing-missions.md of spec-kitty.
2. Validate and compute the execution lanes:
   \`spec-kitty agent mission finalize-tasks --mission <slug> --json\`
   Fix whatever it reports and run it again until it succeeds.
3. Next step: /spec-kitty.implement`,
    description: 'Write tasks.md and the work-package prompts, then finalize them',
    step: 'tasks',
  },
  {
    body: `Implement one work package in its own worktree.

User input (a WP id, optional): {ARGS}

${MISSION}

1. Pick the work package: the one the user named, else the one
   \`spec-kitty next --mission <slug> --agent <your name> --json\` names (a \`planned\` WP whose
   dependencies are approved or done, or your own unfinished one).
2. Claim it, open its worktree and get its full prompt:
   \`spec-kitty agent workflow implement WP01 --mission <slug> --agent <your name> --json\`
   Follow \`prompt\` from that output. Work only in \`workspace_path\` and commit your work there.
3. Tick each subtask when it is done and tested:
   \`spec-kitty agent tasks mark-status T001 --status done --mission <slug>\`
4. Hand it in when every subtask is ticked and committed:
   \`spec-kitty agent tasks move-task WP01 --to for_review --mission <slug> --agent <your name> --note "<what you did>"\``,
    description: 'Claim a work package, implement it in its lane worktree, hand it in for review',
    step: 'implement',
  },
  {
    body: `Review a work package that waits in for_review.

User input (a WP id, optional): {ARGS}

${MISSION}

1. Find it: \`spec-kitty agent tasks list-tasks --mission <slug> --lane for_review --json\`, then take it
   and get its review prompt (what it had to do, its diff, the criteria):
   \`spec-kitty agent workflow review WP01 --mission <slug> --agent <your name> --json\`
2. Review \`prompt\` from that output; run the tests in its lane worktree (\`.worktrees/<slug>-<lane>\`).
3. Approve:
   \`spec-kitty agent tasks move-task WP01 --to approved --mission <slug> --agent <your name> --reviewer <your name> --approval-ref "<why>"\`
   Or send it back: write the findings into a file and run
   \`spec-kitty agent tasks move-task WP01 --to planned --mission <slug> --agent <your name> --review-feedback-file <file>\``,
    description: 'Review a work package and approve it or send it back',
    step: 'review',
  },
  {
    body: `Check that a mission is ready to land.

User input: {ARGS}

${MISSION}

1. \`spec-kitty accept --mission <slug> --json\`: every work package approved or done, every subtask
   done, spec.md and plan.md written, nothing uncommitted in the worktrees. It lists every problem
   with its fix; fix them and run it again until \`"ready": true\`.
2. \`spec-kitty merge --mission <slug> --dry-run --json\`: it runs every preflight check the merge
   runs and lists every blocker at once, each with the command that fixes it. Fix them and run it again
   until it says ready.
3. Next step: /spec-kitty.merge`,
    description: 'Check every work package and the merge preflight before landing',
    step: 'accept',
  },
  {
    body: `Land the mission on its target branch.

User input: {ARGS}

${MISSION}

1. \`spec-kitty merge --mission <slug> --dry-run --json\` must say \`"ready": true\`.
2. \`spec-kitty merge --mission <slug> --json\` merges the lanes into the mission branch, lands it on
   the target, records every approved work package as done and removes the worktrees.
3. If it stopped (a conflict, a crash), follow its remediation, then
   \`spec-kitty merge --mission <slug> --resume\``,
    description: 'Merge the mission into its target branch',
    step: 'merge',
  },
  {
    body: `Show where a mission stands.

User input: {ARGS}

${MISSION}

Run \`spec-kitty agent tasks status --mission <slug>\` and summarize: work packages per lane, who
holds what, subtasks ticked. Then say what should happen next:
\`spec-kitty next --mission <slug> --agent <your name> --json\` names the action and its commands.`,
    description: 'Show the mission board',
    step: 'status',
  },
]
