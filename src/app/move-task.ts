import {
  existsSync, mkdirSync, readdirSync, readFileSync,
} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import type {Mission} from '../core/mission/mission-handle.js'
import type {Lane, LaneOrGenesis} from '../core/status/lanes.js'
import type {StatusEvent} from '../core/status/status-event.js'
import type {TaskReferenceRegistry} from '../core/tasks/task-reference-registry.js'

import {assertAutoCommitAllowed, commitFiles, specLabel} from '../core/git/auto-commit.js'
import {git} from '../core/git/git.js'
import {writeFileAtomic} from '../core/io/atomic-write.js'
import {pythonIsoTimestamp} from '../core/io/clock.js'
import {assertConfined} from '../core/io/confine.js'
import {decodeText, encodeText, readRegularFile} from '../core/io/regular-file.js'
import {assertWritable} from '../core/io/writable.js'
import {laneBranch, readLanesManifest} from '../core/mission/lanes-manifest.js'
import {withMissionLock} from '../core/mission/mission-lock.js'
import {CliError, wpNotFound} from '../core/output/cli-error.js'
import {eventLogPath} from '../core/status/event-log.js'
import {planLaneMove} from '../core/status/lane-move.js'
import {laneOf, readMissionStatus, recordEvents} from '../core/status/mission-status.js'
import {snapshotPath} from '../core/status/status-snapshot.js'
import {withFrontmatterKeys} from '../core/tasks/frontmatter-edit.js'
import {loadMissionTasks} from '../core/tasks/tasks-file.js'

export interface MoveTaskInput {
  actor: string
  approvalRef?: string
  autoCommit: boolean
  doneOverrideReason?: string
  force: boolean
  mission: Mission
  note?: string
  registry: TaskReferenceRegistry
  reviewer?: string
  reviewFeedbackFile?: string
  /** `--agent` as given (not defaulted): recorded as the WP's `agent:` in its frontmatter. */
  agent?: string
  /** The agent's shell, recorded in the activity log and the frontmatter (`--shell-pid`). */
  shellPid?: number
  to: Lane
  wpId: string
}

export interface MoveTaskResult {
  commit: string | undefined
  events: StatusEvent[]
  newLane: LaneOrGenesis
  oldLane: LaneOrGenesis
  reviewFeedback: string | undefined
  wpFile: string | undefined
}

function gitUserName(root: string): string {
  const name = git(['config', 'user.name'], root)
  return name.code === 0 ? name.stdout.trim() : ''
}

/** Done needs the WP's lane branch merged into the status checkout's branch (upstream's ancestry check). */
function doneAncestry(mission: Mission, wpId: string, executionMode: string | undefined): 'missing' | 'ok' {
  if (executionMode === 'planning_artifact') return 'ok'
  let manifest
  try {
    manifest = readLanesManifest(mission.dir)
  } catch {
    return 'missing'
  }

  const lane = manifest?.lanes.find(l => l.wp_ids.includes(wpId))
  if (!manifest || !lane) return 'missing'
  return git(['merge-base', '--is-ancestor', '--end-of-options', laneBranch(manifest, lane.lane_id), 'HEAD'], mission.checkout).code === 0 ? 'ok' : 'missing'
}

function reviewCycleFile(wpFile: string): {dir: string; number: number} {
  const dir = join(wpFile.replace(/\.md$/, ''))
  const existing = existsSync(dir) ? readdirSync(dir).map(f => /^review-cycle-(\d+)\.md$/.exec(f)?.[1]).filter(Boolean).map(Number) : []
  return {dir, number: Math.max(0, ...existing) + 1}
}

/** Append `- <time> – <actor> – [shell_pid=<pid> – ]<note>` under `## Activity Log` (en dashes, as upstream). */
function withActivityLine(text: string, line: string): string {
  const body = text.endsWith('\n') ? text : text + '\n'
  return /^## Activity Log\s*$/m.test(body) ? body + line + '\n' : `${body}\n## Activity Log\n\n${line}\n`
}

/** `agent tasks move-task`: guards first, then events, WP file and commit, all under the mission lock. */
export function moveTask(input: MoveTaskInput): MoveTaskResult {
  const {mission, to, wpId} = input
  if (input.autoCommit) assertAutoCommitAllowed(mission.checkout)
  let feedback: string | undefined
  if (input.reviewFeedbackFile !== undefined) {
    try {
      feedback = readFileSync(input.reviewFeedbackFile, 'utf8')
    } catch (error) {
      throw new CliError('review_feedback_unreadable', `Cannot read ${input.reviewFeedbackFile}: ${(error as Error).message}`, {remediation: 'Pass a readable markdown file.'})
    }

    if (feedback.trim() === '') throw new CliError('review_feedback_empty', `${input.reviewFeedbackFile} is empty.`, {remediation: 'Write the review feedback into the file first.'})
  }

  return withMissionLock(mission, () => {
    const tasks = loadMissionTasks(mission.dir)
    const wpFile = tasks.workPackages.get(wpId)
    const status = readMissionStatus(mission)
    const from = laneOf(status, wpId)
    if (!wpFile && !status.workPackages.has(wpId) && !tasks.doc.workPackageIds().includes(wpId)) {
      throw wpNotFound(wpId, mission.slug)
    }

    const owned = input.registry.subtasksOf(tasks.doc, wpId) ?? []
    // The board's count and this guard agree: a subtask is done only where a row says so.
    const pendingSubtasks = owned.filter(id => input.registry.subtaskState(tasks.doc, id) === 'pending')
    const unlistedSubtasks = owned.filter(id => input.registry.subtaskState(tasks.doc, id) === 'unknown')
    let reviewPointer: string | undefined
    let review: {path: string; text: string} | undefined
    if (feedback !== undefined && to === 'planned' && wpFile) {
      const cycle = reviewCycleFile(wpFile.path)
      const name = `review-cycle-${cycle.number}.md`
      reviewPointer = `review-cycle://${mission.slug}/${basename(cycle.dir)}/${name}`
      const frontmatter = `---\nverdict: rejected\nreviewer_agent: ${JSON.stringify(input.actor)}\nreviewed_at: '${pythonIsoTimestamp()}'\naffected_files: []\n---\n\n`
      review = {path: join(cycle.dir, name), text: frontmatter + feedback}
    } else if (feedback !== undefined && to === 'planned') {
      reviewPointer = `review-cycle://${mission.slug}/${wpId}/inline`
    }

    const events = planLaneMove({
      actor: input.actor,
      approvalRef: input.approvalRef,
      doneAncestry: to === 'done' ? doneAncestry(mission, wpId, wpFile?.executionMode) : 'ok',
      doneOverrideReason: input.doneOverrideReason,
      force: input.force,
      from,
      missionId: typeof mission.meta.mission_id === 'string' ? mission.meta.mission_id : undefined,
      missionSlug: mission.slug,
      note: input.note,
      pendingSubtasks,
      unlistedSubtasks,
      // Only approval evidence (a move to approved or done) records the reviewer; asking git costs a process.
      reviewer: input.reviewer ?? (((to === 'approved' || to === 'done') && gitUserName(mission.root)) || input.actor),
      reviewPointer,
      to,
      wpId,
    })
    if (events.length === 0) return {
      commit: undefined, events, newLane: from, oldLane: from, reviewFeedback: undefined, wpFile: wpFile?.path,
    }

    const touched = [eventLogPath(mission.dir), snapshotPath(mission.dir)]
    assertWritable([...touched, ...(review ? [review.path] : []), ...(wpFile ? [wpFile.path] : [])])
    if (review) {
      // The review folder sits beside the prompt file; a link there would carry the write elsewhere.
      assertConfined(mission.dir, dirname(review.path))
      mkdirSync(dirname(review.path), {recursive: true})
      writeFileAtomic(review.path, review.text)
      touched.push(review.path)
    }

    recordEvents(mission, events, status)
    if (wpFile) {
      // shell_pid only when the caller names its shell, as the Python CLI writes it.
      const line = `- ${new Date().toISOString().slice(0, 19)}Z – ${input.actor} – ${input.shellPid === undefined ? '' : `shell_pid=${input.shellPid} – `}Moved to ${to}${input.note ? `: ${input.note}` : ''}`
      const {encoding, text} = decodeText(readRegularFile(wpFile.path) ?? Buffer.alloc(0))
      // Who holds the WP, in its frontmatter as the Python CLI keeps it (only when named).
      const holder = {...(input.agent === undefined ? {} : {agent: input.agent}), ...(input.shellPid === undefined ? {} : {shell_pid: String(input.shellPid)})}
      writeFileAtomic(wpFile.path, encodeText(withActivityLine(withFrontmatterKeys(text, holder), line), encoding))
      touched.push(wpFile.path)
    }

    const commit = input.autoCommit ? commitFiles(mission.checkout, touched, `chore: Move ${wpId} to ${to} on spec ${specLabel(mission.slug)} [${input.actor}]`) : undefined
    return {
      commit, events, newLane: events.at(-1)!.to_lane, oldLane: from, reviewFeedback: review?.path, wpFile: wpFile?.path,
    }
  })
}
