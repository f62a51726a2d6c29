import {spawn} from 'node:child_process'

function platformOpener(url: string): string[] {
  if (process.platform === 'darwin') return ['open', url]
  if (process.platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url]
  return ['xdg-open', url]
}

/**
 * Open a URL in the user's browser: `$BROWSER` when set (the convention Python's webbrowser and
 * git follow), else the platform's opener. Best effort: the URL is printed too, so a machine
 * without a browser still works.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): void {
  const [command, ...args] = env.BROWSER ? [env.BROWSER, url] : platformOpener(url)
  try {
    const child = spawn(command, args, {detached: true, stdio: 'ignore'})
    child.on('error', () => {}) // no opener: the printed URL is the way
    child.unref()
  } catch {
    // same
  }
}
