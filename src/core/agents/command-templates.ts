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

1. Read \`kitty-specs/<slug>/spec.md\`.
2. Write \`kitty-specs/<slug>/plan.md\`: architecture, the files to create or change, data model,
   risks, and how each requirement will be tested.
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
2. Claim it and get its worktree:
   \`spec-kitty agent tasks move-task WP01 --to claimed --mission <slug> --agent <your name>\`
   \`spec-kitty implement WP01 --mission <slug> --agent <your name> --json\`
   Work only in \`workspace_path\` from that output, and commit your work there with git.
3. Follow \`kitty-specs/<slug>/tasks/WP01-*.md\`. Tick each subtask when it is done and tested:
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

1. Find it: \`spec-kitty agent tasks list-tasks --mission <slug> --lane for_review --json\`, then take it:
   \`spec-kitty agent tasks move-task WP01 --to in_review --mission <slug> --agent <your name>\`
2. Read its prompt file and its diff against the mission branch, in its lane worktree
   (\`.worktrees/<slug>-<lane>\`): \`git diff kitty/mission-<slug>...HEAD\`. Run the tests.
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
