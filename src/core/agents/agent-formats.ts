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

/** Most agents read markdown commands with `$ARGUMENTS`; only the folder differs. */
const markdown = (dir: string): AgentFormat => ({dir, format: 'markdown', placeholder: '$ARGUMENTS'})

export const AGENT_FORMATS: Readonly<Record<string, AgentFormat>> = {
  antigravity: markdown('.agent/workflows'),
  auggie: markdown('.augment/commands'),
  claude: markdown('.claude/commands'),
  codex: {dir: '.agents/skills', format: 'skill', placeholder: 'the request the user gave with this skill'},
  copilot: {dir: '.github/prompts', format: 'prompt', placeholder: '$ARGUMENTS'},
  cursor: markdown('.cursor/commands'),
  gemini: {dir: '.gemini/commands', format: 'toml', placeholder: '{{args}}'},
  kilocode: markdown('.kilocode/workflows'),
  kiro: markdown('.kiro/prompts'),
  opencode: markdown('.opencode/command'),
  q: markdown('.amazonq/prompts'),
  qwen: {dir: '.qwen/commands', format: 'toml', placeholder: '{{args}}'},
  windsurf: markdown('.windsurf/workflows'),
}

export const AGENTS = Object.keys(AGENT_FORMATS)

export interface RenderedCommand {
  content: string
  /** Relative to the project root. */
  path: string
}

/** A TOML basic string and a YAML double-quoted scalar are both valid JSON strings. */
const quoted = (value: string): string => JSON.stringify(value)

/** A TOML multi-line literal string cannot hold `'''`; the templates never do, and this says so loudly. */
function tomlLiteral(value: string): string {
  if (value.includes("'''")) throw new Error("a template holds ''' and cannot be a TOML literal string")
  return `'''\n${value}\n'''`
}

export function renderCommand(agent: string, template: StepTemplate): RenderedCommand {
  const {dir, format, placeholder} = AGENT_FORMATS[agent]
  const body = template.body.replaceAll('{ARGS}', placeholder) + '\n'
  const name = `spec-kitty.${template.step}`
  if (format === 'toml') {
    return {content: `description = ${quoted(template.description)}\n\nprompt = ${tomlLiteral(body.trimEnd())}\n`, path: `${dir}/${name}.toml`}
  }

  if (format === 'skill') {
    const skill = `spec-kitty-${template.step}`
    return {content: `---\nname: ${skill}\ndescription: ${quoted(`Spec Kitty: ${template.description}`)}\n---\n\n${body}`, path: `${dir}/${skill}/SKILL.md`}
  }

  // Markdown with a description; Copilot's prompt files differ only in their suffix.
  return {content: `---\ndescription: ${quoted(template.description)}\n---\n\n${body}`, path: `${dir}/${name}${format === 'prompt' ? '.prompt.md' : '.md'}`}
}
