// One run (#/run/{id}): summary and the timeline of its events.

import { h, mount } from './dom.js';
import { num, cost, dur, offset, time, micros, truncate } from './format.js';
import { typeBadge, isError, latency, summarize } from './events.js';
import { api, query } from './api.js';
import { errorBox, card } from './widgets.js';
import { conversationView } from './conversation.js';

// A run is read a page at a time (GET /api/v1/runs/{id}?limit=&after=), so a run of any size opens at once and the
// browser holds only what the reader has scrolled to.
const FIRST_PAGE = 500;
const NEXT_PAGE = 2000;

function runUrl(runId, limit, after) {
  return '/api/v1/runs/' + encodeURIComponent(runId) + query({ limit, after });
}

export async function runPage(runId, tab) {
  const root = h('div', { id: 'run-page' });
  mount(root);
  let data;
  try { data = await api(runUrl(runId, FIRST_PAGE)); } catch (e) { root.appendChild(errorBox(e)); return; }
  const run = data.run;
  root.appendChild(h('div', null, h('a', { href: '#/runs' }, '‹ All runs')));
  root.appendChild(h('div', { class: 'run-head' }, h('h1', null, 'Run ', h('span', { class: 'mono' }, run.run_id)),
    h('span', { class: 'meta' }, run.user_id + ' · ' + time(run.start)),
    run.ended ? h('span', { class: 'pill ok' }, 'ended') : h('span', { class: 'pill open' }, 'open')));
  root.appendChild(h('div', { class: 'cards' }, card('Duration', dur(run.duration_ms)), card('Events', num(run.event_count)),
    card('LLM calls', num(run.llm_calls)), card('Tokens', num(run.tokens)), card('Cost', cost(run.cost)),
    card('Errors', num(run.errors), run.errors > 0)));
  const base = '#/run/' + encodeURIComponent(run.run_id);
  root.appendChild(h('div', { class: 'tabs' },
    h('a', { href: base, class: tab === 'conversation' ? '' : 'active', id: 'tab-timeline' }, 'Timeline'),
    h('a', { href: base + '/conversation', class: tab === 'conversation' ? 'active' : '', id: 'tab-conversation' }, 'Conversation')));
  const view = tab === 'conversation' ? conversationView() : timelineView(run);
  root.appendChild(view.el);
  let loaded = 0;
  let next = null;
  const status = h('span', { class: 'muted' });
  const more = h('button', { type: 'button' }, 'Load more');
  const bar = h('div', { class: 'load-more', id: 'load-more' }, status, ' ', more);
  root.appendChild(bar);
  let loading = false;
  function take(page) {
    view.add(page.events.map(x => x.event));
    loaded += page.events.length;
    next = page.next_after || null;
    status.textContent = 'Showing ' + num(loaded) + ' of ' + num(run.event_count) + ' events';
    more.hidden = !next;
    if (!next) { view.end(); bar.dataset.complete = 'true'; }
  }
  async function loadMore() {
    if (loading || !next || !root.isConnected) return;
    loading = true;
    more.disabled = true;
    try { take(await api(runUrl(run.run_id, NEXT_PAGE, next))); } catch (e) { bar.appendChild(errorBox(e)); next = null; }
    loading = false;
    more.disabled = false;
  }
  more.addEventListener('click', loadMore);
  take(data);
  // Reaching the end of what is shown loads the next page, as a long feed does.
  if (next && 'IntersectionObserver' in window) {
    const seen = new IntersectionObserver(entries => { if (entries.some(x => x.isIntersecting)) loadMore(); });
    seen.observe(bar);
  }
}

export function timeline(events, run) {
  const view = timelineView(run);
  view.add(events);
  view.end();
  return view.el;
}

// The timeline built page by page: each event goes under its parent when the parent is already shown.
export function timelineView(run) {
  const start = micros(run.start);
  const shown = new Map();
  const list = h('ul', { class: 'tree', id: 'timeline' });
  const el = h('div', { class: 'panel pad' }, list);
  function node(e) {
    const ms = latency(e);
    const details = h('pre', { class: 'json', hidden: true }, JSON.stringify(e, null, 2));
    const row = h('div', { class: 'node-row', title: 'Show the raw event' },
      h('span', { class: 'offset' }, offset((micros(e.timestamp) - start) / 1000)),
      typeBadge(e.event_type),
      h('span', { class: 'summary' }, truncate(summarize(e), 220)),
      h('span', { class: 'dur' + (ms > 5000 ? ' slow' : '') }, ms !== null ? dur(ms) : ''));
    row.addEventListener('click', () => { details.hidden = !details.hidden; });
    return h('li', { class: 'node' + (isError(e) ? ' error' : ''), data: { eventId: e.event_id, type: e.event_type } },
      row, details);
  }
  function kids(li) {
    let ul = li.querySelector(':scope > ul');
    if (!ul) { ul = h('ul'); li.appendChild(ul); }
    return ul;
  }
  return {
    el,
    add(events) {
      const fresh = [];
      for (const e of events) {
        if (shown.has(e.event_id)) continue;
        const li = node(e);
        shown.set(e.event_id, li);
        fresh.push([e, li]);
      }
      // Attached after the whole page is known, so a child listed before its parent still nests.
      for (const [e, li] of fresh) {
        const parent = e.parent_event_id && e.parent_event_id !== e.event_id ? shown.get(e.parent_event_id) : null;
        // A parent cycle must not nest an event inside itself.
        (parent && !li.contains(parent) ? kids(parent) : list).appendChild(li);
      }
    },
    end() {
      if (!shown.size) { list.remove(); el.appendChild(h('div', { class: 'empty' }, 'No events.')); }
    },
  };
}
