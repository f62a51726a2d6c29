import type {
  BoardCard, BoardModel, LaneHistoryEntry, MissionSummary, WorkPackageDetail,
} from './board-model.js'

import {html, type Html} from './html.js'
import {markdownToHtml} from './markdown.js'

/** Builds links that carry the access token, so that every page and fetch is authorized. */
export type Link = (path: string) => string

const LANE_TITLES: Record<string, string> = {
  approved: 'Approved', blocked: 'Blocked', canceled: 'Canceled', claimed: 'Claimed', done: 'Done', for_review: 'For review', genesis: 'Not finalized', in_progress: 'In progress', in_review: 'In review', planned: 'Planned',
}

function age(ms: null | number): string {
  if (ms === null) return ''
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`
}

/** A whole page: the content is in <main>, which the live script swaps for a fresh render. */
export function page(title: string, main: Html, link: Link): Html {
  return html`
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>${title} · spec-kitty</title>
    <link rel="stylesheet" href="${link('/assets/dashboard.css')}">
    <script src="${link('/assets/dashboard.js')}" defer></script>
    </head>
    <body>
    <header><a href="${link('/')}">spec-kitty</a> <span class="live" id="live" hidden>live</span></header>
    <main>${main}</main>
    </body>
    </html>
  `
}

export function missionsView(missions: readonly MissionSummary[], link: Link): Html {
  if (missions.length === 0) return html`<h1>Missions</h1><p class="empty">No mission yet: <code>spec-kitty agent mission create &lt;slug&gt;</code>.</p>`
  return html`
    <h1>Missions</h1>
    <table class="missions">
    <thead><tr><th>Mission</th><th>Work packages done</th><th>Subtasks ticked</th><th>Readiness</th></tr></thead>
    <tbody>${missions.map(mission => (mission.board
      ? html`<tr data-mission="${mission.slug}"><td><a href="${link(`/missions/${mission.slug}`)}">${mission.friendlyName}</a><div class="slug">${mission.slug}</div></td><td>${mission.board.done_count}/${mission.board.total_wps}</td><td>${mission.subtasks.done}/${mission.subtasks.total}</td><td><meter min="0" max="100" value="${mission.board.weighted_percentage}"></meter> ${mission.board.weighted_percentage}%</td></tr>`
      : html`<tr class="broken" data-mission="${mission.slug}"><td>${mission.friendlyName}<div class="slug">${mission.slug}</div></td><td colspan="3" class="error">Cannot be read: ${mission.error}</td></tr>`))}</tbody>
    </table>
  `
}

function cardView(card: BoardCard, slug: string, link: Link): Html {
  return html`
    <article class="card" data-wp="${card.id}">
    <a class="title" href="${link(`/missions/${slug}/wps/${card.id}`)}"><span class="id">${card.id}</span> ${card.title}</a>
    <dl>
    ${card.actor ? html`<dt>Agent</dt><dd class="agent">${card.actor}</dd>` : ''}
    ${card.subtasks.total > 0 ? html`<dt>Subtasks</dt><dd class="subtasks">${card.subtasks.done}/${card.subtasks.total}</dd>` : ''}
    ${card.dependencies.length > 0 ? html`<dt>Needs</dt><dd class="deps">${card.dependencies.map(dep => html`<span class="dep lane-${dep.lane}">${dep.id} (${LANE_TITLES[dep.lane] ?? dep.lane})</span> `)}</dd>` : ''}
    ${card.laneAgeMs === null ? '' : html`<dt>In lane</dt><dd class="age">${age(card.laneAgeMs)}</dd>`}
    </dl>
    </article>
  `
}

export function boardView(model: BoardModel, link: Link): Html {
  const {board} = model
  return html`
    <h1>${model.friendlyName}</h1>
    <p class="summary"><span class="slug">${model.slug}</span> · ${board.done_count}/${board.total_wps} done · readiness ${board.weighted_percentage}% · <a href="${link(`/missions/${model.slug}/timeline`)}">timeline</a></p>
    <div class="board">${model.columns.map(column => html`
      <section class="column" data-lane="${column.lane}">
      <h2>${LANE_TITLES[column.lane] ?? column.lane} <span class="count">${column.cards.length}</span></h2>
      ${column.cards.map(card => cardView(card, model.slug, link))}
      </section>
    `)}</div>
  `
}

function historyTable(entries: readonly LaneHistoryEntry[], withWp: boolean, link: Link, slug: string): Html {
  if (entries.length === 0) return html`<p class="empty">No events yet.</p>`
  return html`
    <table class="history">
    <thead><tr><th>When</th>${withWp ? html`<th>WP</th>` : ''}<th>Move</th><th>Actor</th><th>Review</th></tr></thead>
    <tbody>${entries.map(entry => html`<tr><td><time>${entry.at}</time></td>${withWp ? html`<td><a href="${link(`/missions/${slug}/wps/${entry.wpId}`)}">${entry.wpId}</a></td>` : ''}<td>${entry.from} → ${entry.to}</td><td>${entry.actor}</td><td>${entry.reviewRef ?? ''}</td></tr>`)}</tbody>
    </table>
  `
}

export function workPackageView(detail: WorkPackageDetail, link: Link): Html {
  return html`
    <p><a href="${link(`/missions/${detail.slug}`)}">← ${detail.slug}</a></p>
    <h1><span class="id">${detail.id}</span> ${detail.title}</h1>
    <p class="summary">Lane: <strong>${LANE_TITLES[detail.lane] ?? detail.lane}</strong></p>
    <h2>Subtasks</h2>
    ${detail.subtasks.length === 0 ? html`<p class="empty">None.</p>` : html`<ul class="subtasks">${detail.subtasks.map(subtask => html`<li class="${subtask.state}"><input type="checkbox" disabled${subtask.state === 'done' ? html` checked` : ''}> ${subtask.id}</li>`)}</ul>`}
    <h2>History</h2>
    ${historyTable(detail.history, false, link, detail.slug)}
    <h2>Prompt</h2>
    <div class="prompt">${detail.prompt === null ? html`<p class="empty">No prompt file.</p>` : markdownToHtml(detail.prompt)}</div>
  `
}

export function timelineView(slug: string, entries: readonly LaneHistoryEntry[], link: Link): Html {
  return html`
    <p><a href="${link(`/missions/${slug}`)}">← ${slug}</a></p>
    <h1>Timeline</h1>
    ${historyTable([...entries].reverse(), true, link, slug)}
  `
}

export function errorView(title: string, message: string): Html {
  return html`<h1>${title}</h1><p class="error">${message}</p>`
}
