import {join} from 'node:path'

import {writeFileAtomic} from '../io/atomic-write.js'
import {readRegularFile} from '../io/regular-file.js'
import {AGENT_FORMATS} from './agent-formats.js'

/** `--gitignore-agents`: each agent's command folder in .gitignore, once. Only when asked. */
export function excludeAgentFolders(root: string, agents: readonly string[]): void {
  const path = join(root, '.gitignore')
  const current = readRegularFile(path)?.toString('utf8') ?? ''
  const lines = new Set(current.split('\n'))
  const missing = agents.map(agent => `/${AGENT_FORMATS[agent].dir}/`).filter(line => !lines.has(line))
  if (missing.length === 0) return
  writeFileAtomic(path, `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${[...new Set(missing)].join('\n')}\n`)
}
