import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {TaskDocument} from './task-document.js'
import {readWorkPackageFiles, type WorkPackageFile} from './work-package-files.js'

export const tasksPath = (missionDir: string): string => join(missionDir, 'tasks.md')

export interface MissionTasks {
  doc: TaskDocument
  /** False when the mission has no tasks.md (the document is then empty). */
  exists: boolean
  path: string
  workPackages: Map<string, WorkPackageFile>
}

/** tasks.md plus the prompt files' `subtasks:` lists, as the document every parser reads. */
export function loadMissionTasks(missionDir: string): MissionTasks {
  const path = tasksPath(missionDir)
  const workPackages = readWorkPackageFiles(missionDir)
  const promptSubtasks = new Map([...workPackages].map(([id, file]) => [id, file.subtasks]))
  const exists = existsSync(path)
  return {
    doc: new TaskDocument(exists ? readFileSync(path, 'utf8') : '', promptSubtasks), exists, path, workPackages,
  }
}
