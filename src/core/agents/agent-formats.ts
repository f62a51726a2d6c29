import type {StepTemplate} from './command-templates.js'

/**
 * Where each coding agent looks for slash commands and in which format, as Spec Kitty 3.2 installs
 * them. One table, not one copy of the templates per agent.
 */
type Format = 'markdown' | 'prompt' | 'skill' | 'toml'

interface AgentFormat {
  dir: string
  format: Format
  /** The agent's placeholder for the text typed after the command. */
  placeholder: string
}

export const AGENT_FORMATS: Readonly<Record<string, AgentFormat>> = {
  antigravity: {dir: '.agent/workflows', format: 'markdown', placeholder: '$ARGUMENTS'},
  auggie: {dir: '.augment/commands', format: 'markdown', placeholder: '$ARGUMENTS'},
  claude: {dir: '.claude/commands', format: 'markdown', placeholder: '$ARGUMENTS'},
  codex: {dir: '.agents/skills', format: 'skill', placeholder: 'the request the user gave with this skill'},
  copilot: {dir: '.github/prompts', format: 'prompt', placeholder: '$ARGUMENTS'},
  cursor: {dir: '.cursor/commands', format: 'markdown', placeholder: '$ARGUMENTS'},
  gemini: {dir: '.gemini/commands', format: 'toml', placeholder: '{{args}}'},
  kilocode: {dir: '.kilocode/workflows', format: 'markdown', placeholder: '$ARGUMENTS'},
  kiro: {dir: '.kiro/prompts', format: 'markdown', placeholder: '$ARGUMENTS'},
  opencode: {dir: '.opencode/command', format: 'markdown', placeholder: '$ARGUMENTS'},
  q: {dir: '.amazonq/prompts', format: 'markdown', placeholder: '$ARGUMENTS'},
  qwen: {dir: '.qwen/commands', format: 'toml', placeholder: '{{args}}'},
  windsurf: {dir: '.windsurf/workflows', format: 'markdown', placeholder: '$ARGUMENTS'},
}

export const AGENTS = Object.keys(AGENT_FORMATS)

export interface RenderedCommand {
  content: string
  /** Relative to the project root. */
  path: string
}

/** A TOML basic string: quotes, backslashes and control characters escaped. */
const tomlString = (value: string): string => JSON.stringify(value)

/** A TOML multi-line literal string cannot hold `'''`; the templates never do, and this says so loudly. */
function tomlLiteral(value: string): string {
  if (value.includes("'''")) throw new Error("a template holds ''' and cannot be a TOML literal string")
  return `'''\n${value}\n'''`
}

const yamlString = (value: string): string => JSON.stringify(value)

export function renderCommand(agent: string, template: StepTemplate): RenderedCommand {
  const {dir, format, placeholder} = AGENT_FORMATS[agent]
  const body = template.body.replaceAll('{ARGS}', placeholder) + '\n'
  const name = `spec-kitty.${template.step}`
  switch (format) {
  case 'prompt': {
    return {content: `---\ndescription: ${yamlString(template.description)}\n---\n\n${body}`, path: `${dir}/${name}.prompt.md`}
  }

  case 'skill': {
    const skill = `spec-kitty-${template.step}`
    return {content: `---\nname: ${skill}\ndescription: ${yamlString(`Spec Kitty: ${template.description}`)}\n---\n\n${body}`, path: `${dir}/${skill}/SKILL.md`}
  }

  case 'toml': {
    return {content: `description = ${tomlString(template.description)}\n\nprompt = ${tomlLiteral(body.trimEnd())}\n`, path: `${dir}/${name}.toml`}
  }

  default: {
    return {content: `---\ndescription: ${yamlString(template.description)}\n---\n\n${body}`, path: `${dir}/${name}.md`}
  }
  }
}
