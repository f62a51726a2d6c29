import {join} from 'node:path'

import {decodeText, readRegularFile, type TextEncoding} from '../io/regular-file.js'
import {TaskDocument} from './task-document.js'
import {readWorkPackageFiles, type WorkPackageFile} from './work-package-files.js'

export const tasksPath = (missionDir: string): string => join(missionDir, 'tasks.md')

export interface MissionTasks {
  doc: TaskDocument
  /** How tasks.md was decoded; a rewrite encodes the same way, so untouched lines keep their bytes. */
  encoding: TextEncoding
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
  const bytes = readRegularFile(path)
  const {encoding, text} = bytes ? decodeText(bytes) : {encoding: 'utf8' as const, text: ''}
  return {
    doc: new TaskDocument(text, promptSubtasks), encoding, exists: bytes !== undefined, path, workPackages,
  }
}
