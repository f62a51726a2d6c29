/**
 * What this invocation gave sync to do. The final sync speaks only when there is something: a
 * command that queued nothing (`status`, `--help`, a refused move) never contacts the server and
 * prints nothing about sync. Module state: one CLI process runs one command.
 */
const invocation: {queued: number; sessionProblem: string | undefined} = {queued: 0, sessionProblem: undefined}

export function noteQueued(count: number): void {
  invocation.queued += count
}

/** The session file could not be used while queueing: the final sync says so, once. */
export function noteSessionProblem(message: string): void {
  invocation.sessionProblem ??= message
}

export const queuedThisInvocation = (): number => invocation.queued
export const sessionProblemThisInvocation = (): string | undefined => invocation.sessionProblem
