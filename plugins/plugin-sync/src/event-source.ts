import type {EventSource} from './envelope.js'
import type {Session} from './session.js'

import {runtime} from './runtime.js'

const SCP_REMOTE = /^(?:[^@/]+@)?[^:/]+:(.+)$/
const SHA = /^[0-9a-f]{40}$/

/**
 * `owner/repo` (or `group/sub/repo`) of a hosted remote URL: https, ssh:// or scp-like
 * `git@host:owner/repo.git`. Local paths and file:// remotes have none.
 */
export function repoSlugOf(remote: string): null | string {
  const url = remote.trim()
  if (url === '' || url.startsWith('/') || url.startsWith('./') || url.startsWith('../') || url.startsWith('file:')) return null
  let path: string | undefined
  if (/^[a-z][\w+.-]*:\/\//i.test(url)) {
    try {
      path = new URL(url).pathname
    } catch {
      return null
    }
  } else {
    path = SCP_REMOTE.exec(url)?.[1]
  }

  const segments = (path ?? '').replace(/\.git\/?$/, '').split('/').filter(Boolean)
  return segments.length >= 2 && segments.every(s => /^[\w.-]+$/.test(s)) ? segments.join('/') : null
}

function projectIdentity(root: string): {build_id: string; slug: null | string; uuid: string} {
  try {
    const project = runtime().readProjectConfig(root).project as Record<string, unknown> | undefined
    const text = (key: string) => (typeof project?.[key] === 'string' ? project[key] as string : '')
    return {build_id: text('build_id') || 'unknown', slug: text('slug') || null, uuid: text('uuid')}
  } catch {
    // A broken config.yaml is the command's to report; without an identity the events stay local.
    return {build_id: 'unknown', slug: null, uuid: ''}
  }
}

/** The project's identity and git state, as every envelope of this invocation carries them. */
export async function eventSource(root: string, session: Session): Promise<EventSource> {
  const identity = projectIdentity(root)
  const base = {
    build_id: identity.build_id, git_branch: null, head_commit_sha: null, project_slug: identity.slug, project_uuid: identity.uuid, repo_slug: null, team_slug: session.team_slug ?? 'local',
  }
  if (identity.uuid === '') return base
  // `rev-parse HEAD --abbrev-ref HEAD` prints the commit, then the branch ("HEAD" when detached).
  const [head, remote] = await Promise.all([
    runtime().gitRead(['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'], root),
    runtime().gitRead(['config', '--get', 'remote.origin.url'], root),
  ])
  const [sha, branch] = head.code === 0 ? head.stdout.split('\n').map(line => line.trim()) : []
  return {
    ...base,
    git_branch: branch && branch !== 'HEAD' ? branch : null,
    head_commit_sha: sha && SHA.test(sha) ? sha : null,
    repo_slug: remote.code === 0 ? repoSlugOf(remote.stdout) : null,
  }
}
