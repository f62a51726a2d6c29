// Generators of valid missions of any size, for the growth benchmarks. Each writes into a mission
// folder that `agent mission create` made, in the formats Spec Kitty 3.2 writes.
import {
  closeSync, openSync, writeFileSync, writeSync,
} from 'node:fs'
import {join} from 'node:path'

const LANES = ['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done']
const pad = (n, width) => String(n).padStart(width, '0')
export const wpId = w => `WP${pad(w + 1, 2)}`
// T0000 … T9999: Spec Kitty's subtask ids have two to four digits.
export const subtaskId = t => `T${pad(t, 4)}`

/**
 * `events` lane events over `wps` WPs, appended in time order as agents write them: each WP walks
 * planned → … → done and starts over. Written in 1 MB pieces, so a million events never sit in memory.
 */
export function writeEventLog(missionDir, slug, events, wps = 50) {
  const fd = openSync(join(missionDir, 'status.events.jsonl'), 'w')
  const start = Date.UTC(2026, 0, 1)
  let piece = ''
  try {
    for (let i = 0; i < events; i++) {
      const w = i % wps
      const step = Math.floor(i / wps) % LANES.length
      const at = new Date(start + i).toISOString().replace('Z', '000+00:00')
      piece += `{"actor": "agent-${w % 4}", "at": "${at}", "event_id": "01J${pad(i, 23)}", "evidence": null, "execution_mode": "worktree", "force": false, "from_lane": "${step === 0 ? 'genesis' : LANES[step - 1]}", "mission_slug": "${slug}", "policy_metadata": null, "reason": null, "review_ref": null, "to_lane": "${LANES[step]}", "wp_id": "${wpId(w)}"}\n`
      if (piece.length > 1_000_000) {
        writeSync(fd, piece)
        piece = ''
      }
    }

    writeSync(fd, piece)
  } finally {
    closeSync(fd)
  }
}

/** tasks.md with `subtasks` checkbox rows spread over `wps` WP sections, and an index table of them all. */
export function writeTasks(missionDir, subtasks, wps = 100) {
  const perWp = Math.ceil(subtasks / wps)
  const index = []
  const sections = []
  for (let w = 0; w < wps; w++) {
    const rows = []
    for (let t = w * perWp; t < Math.min(subtasks, (w + 1) * perWp); t++) {
      rows.push(`- [ ] ${subtaskId(t)} subtask ${t}`)
      index.push(`| ${subtaskId(t)} | subtask ${t} | ${wpId(w)} | [P] |`)
    }

    sections.push(`## Work Package ${wpId(w)}: part ${w}\n\n${rows.join('\n')}\n`)
  }

  writeFileSync(join(missionDir, 'tasks.md'), `# Tasks\n\n| ID | Description | WP | Parallel |\n|---|---|---|---|\n${index.join('\n')}\n\n${sections.join('\n')}`)
}

/** One prompt file per WP: `lanes` groups of WPs, each group owning one file (so one lane each). */
export function writeLanePrompts(missionDir, wps, lanes) {
  const sections = []
  for (let w = 0; w < wps; w++) {
    sections.push(`## Work Package ${wpId(w)}\n- [ ] ${subtaskId(w)} x\n`)
    writeFileSync(join(missionDir, 'tasks', `${wpId(w)}-x.md`), `---\nwork_package_id: ${wpId(w)}\nsubtasks: [${subtaskId(w)}]\nowned_files: [src/lane${w % lanes}.txt]\n---\n`)
  }

  writeFileSync(join(missionDir, 'tasks.md'), `# Tasks\n\n${sections.join('\n')}`)
}
