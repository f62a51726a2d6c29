import {createInterface} from 'node:readline'

import {AGENTS} from './core/agents/agent-formats.js'
import {parseAgentList} from './core/agents/install-commands.js'

/**
 * `init` at a terminal without --ai: ask which coding agents to install the slash commands for, by
 * number or name. An empty answer is undefined (init then asks for --ai, as without a terminal); an
 * unknown name is `unknown_agent`, as it is for --ai.
 */
export async function pickAgents(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string[] | undefined> {
  output.write(`Which coding agents do you use? spec-kitty installs its slash commands for each.\n${AGENTS.map((agent, i) => `  ${String(i + 1).padStart(2)}) ${agent}`).join('\n')}\n`)
  const lines = createInterface({input, output, terminal: false})
  try {
    const answer = await new Promise<string>(done => {
      lines.once('close', () => done('')) // end of input: no answer
      lines.question('Numbers or names, comma-separated (e.g. 1,3 or claude,codex): ', done)
    })
    const words = answer.split(/[\s,]+/).filter(Boolean)
    if (words.length === 0) return undefined
    // A number picks from the list shown; anything else is a name, checked like --ai.
    return parseAgentList(words.map(word => (/^\d+$/.test(word) ? AGENTS[Number(word) - 1] ?? word : word)).join(','))
  } finally {
    lines.close()
  }
}
