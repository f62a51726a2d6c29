import {isExpired, refreshDead, type Session} from './session.js'

/** What `auth login` and `auth status` show of a session: everything but the tokens. */
export function sessionDocument(session: Session): Record<string, unknown> {
  return {
    access_expires_at: session.access_expires_at,
    expired: isExpired(session),
    logged_in: true,
    refresh_expires_at: session.refresh_expires_at,
    refreshable: !refreshDead(session),
    server: session.server,
    team: session.team_slug,
    teams: session.teams,
    user: session.user ? {email: session.user.email, name: session.user.name} : null,
  }
}

export function sessionLines(session: Session): string[] {
  const who = session.user ? `${session.user.name ? `${session.user.name} <${session.user.email}>` : session.user.email}` : 'a token of unknown owner'
  const access = session.access_expires_at ? `access token ${isExpired(session) ? 'expired' : 'expires'} ${session.access_expires_at}` : 'access token without expiry'
  const refresh = session.refresh_token === null ? 'no refresh token' : `refresh token ${refreshDead(session) ? 'expired' : 'valid'}${session.refresh_expires_at ? ` until ${session.refresh_expires_at}` : ''}`
  return [`Logged in to ${session.server} as ${who}, team ${session.team_slug ?? '(none)'}.`, `${access}; ${refresh}.`]
}
