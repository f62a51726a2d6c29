/** The three exit codes of every spec-kitty command (docs/exit-codes.md). */
export const ExitCode = {
  /** The command did what was asked (mark-status: at least one id resolved). */
  ok: 0,
  /** The command failed or the mission is not ready; with --json the document is still printed. */
  failed: 1,
  /** Bad usage: unknown flag, bad argument, unknown or ambiguous mission handle. */
  usage: 2,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
