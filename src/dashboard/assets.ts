/**
 * The dashboard's stylesheet and script, served from the package (no framework, no build step).
 * The script only keeps the page live: on each change the server announces, it fetches the page's
 * fresh <main> and swaps it in one assignment, so the view never flickers or reloads.
 */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; font-family: system-ui, sans-serif; }
body { margin: 0; }
header { padding: .6rem 1rem; border-bottom: 1px solid var(--line); font-weight: 600; }
header a { color: inherit; text-decoration: none; }
.live { font-size: .75rem; color: #2a2; margin-left: .5rem; }
main { padding: 1rem; }
h1 { margin: 0 0 .3rem; font-size: 1.4rem; }
.slug, .summary, .count, .empty { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.error { color: #c33; }
.board { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(11rem, 1fr); gap: .6rem; overflow-x: auto; margin-top: .8rem; }
.column { background: #8881; border-radius: 6px; padding: .4rem; min-height: 6rem; }
.column h2 { font-size: .85rem; margin: .2rem .2rem .5rem; text-transform: uppercase; letter-spacing: .03em; }
.card { background: Canvas; border: 1px solid var(--line); border-radius: 5px; padding: .45rem .5rem; margin-bottom: .45rem; font-size: .85rem; }
.card .title { display: block; font-weight: 600; color: inherit; text-decoration: none; overflow-wrap: anywhere; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: .1rem .4rem; margin: .35rem 0 0; }
.card dt { color: var(--muted); }
.card dd { margin: 0; overflow-wrap: anywhere; }
.id { font-family: ui-monospace, monospace; color: var(--muted); }
.dep.lane-done { color: #2a2; }
.prompt { max-width: 52rem; line-height: 1.45; }
pre { background: #8882; padding: .5rem; overflow-x: auto; }
ul.subtasks { list-style: none; padding-left: 0; }
`

export const DASHBOARD_JS = `
(() => {
  const query = location.search
  const live = document.getElementById('live')
  const events = new EventSource('/events' + query)
  let pending = false
  async function refresh() {
    if (pending) return
    pending = true
    try {
      const separator = query ? '&' : '?'
      const response = await fetch(location.pathname + query + separator + 'fragment=main', {cache: 'no-store'})
      if (response.ok) document.querySelector('main').innerHTML = await response.text()
    } finally {
      pending = false
    }
  }
  events.addEventListener('open', () => { live.hidden = false })
  events.addEventListener('error', () => { live.hidden = true })
  events.addEventListener('change', refresh)
})()
`
