// One run (#/run/{id}): who, what was asked, its figures and feedback, then its timeline or its conversations.

import { h, mount } from './dom.js';
import { num, cost, dur, time, truncate } from './format.js';
import { api, query } from './api.js';
import { errorBox, card } from './widgets.js';
import { conversation } from './conversation.js';
import { timeline } from './timeline.js';
import { statusPill, feedbackText } from './runs.js';

// A run is read a page at a time (GET /api/v1/runs/{id}?limit=&after=): a run of any size opens at once, and the
// browser holds only the pages the reader asked for ("Load more"); the view is drawn again over what is loaded.
const PAGE = 10000;

function runUrl(runId, after) {
  return '/api/v1/runs/' + encodeURIComponent(runId) + query({ limit: PAGE, after });
}

export async function runPage(runId, tab) {
  const root = h('div', { id: 'run-page' });
  mount(root);
  let data;
  try { data = await api(runUrl(runId)); } catch (e) { root.appendChild(errorBox(e)); return; }
  const run = data.run;
  let events = data.events.map(x => x.event);
  let next = data.next_after || null;
  root.appendChild(h('div', null, h('a', { href: '#/runs' }, '‹ All runs')));
  root.appendChild(h('div', { class: 'run-head' }, h('h1', { id: 'run-title' }, run.name || 'Run'),
    h('span', { class: 'mono muted' }, run.run_id), statusPill(run)));
  root.appendChild(h('div', { class: 'run-meta' },
    h('span', null, 'User ', h('a', { href: '#/runs?user=' + encodeURIComponent(run.user_id) }, run.user_id)),
    h('span', null, 'Started ' + time(run.start)),
    run.trace_id ? h('span', null, 'Trace ', h('a', { href: '#/runs?trace=' + encodeURIComponent(run.trace_id), id: 'run-trace' }, run.trace_id)) : null,
    run.feedback && run.feedback.count ? h('span', { id: 'run-feedback' }, 'Feedback ' + feedbackText(run.feedback)) : null));
  if (run.first_input) root.appendChild(h('blockquote', { class: 'first-input', id: 'run-first-input' }, truncate(run.first_input, 500)));
  root.appendChild(h('div', { class: 'cards' }, card('Duration', dur(run.duration_ms)), card('Events', num(run.event_count)),
    card('LLM calls', num(run.llm_calls)), card('Tokens', num(run.tokens)), card('Cost', cost(run.cost)),
    card('Errors', num(run.errors), run.errors > 0)));
  const base = '#/run/' + encodeURIComponent(run.run_id);
  root.appendChild(h('div', { class: 'tabs' },
    h('a', { href: base, class: tab === 'conversation' ? '' : 'active', id: 'tab-timeline' }, 'Timeline'),
    h('a', { href: base + '/conversation', class: tab === 'conversation' ? 'active' : '', id: 'tab-conversation' }, 'Conversation')));
  let view = null;
  const status = h('span', { class: 'muted' });
  const more = h('button', { type: 'button' }, 'Load more');
  const bar = h('div', { class: 'load-more', id: 'load-more' }, status, ' ', more);
  function draw() {
    const fresh = tab === 'conversation' ? conversation(events) : timeline(events, run);
    if (view) view.replaceWith(fresh); else root.appendChild(fresh);
    view = fresh;
    status.textContent = 'Showing ' + num(events.length) + ' of ' + num(run.event_count) + ' events';
    more.hidden = !next;
    if (!next) bar.dataset.complete = 'true';
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await api(runUrl(run.run_id, next));
      events = events.concat(page.events.map(x => x.event));
      next = page.next_after || null;
      draw();
    } catch (e) { bar.appendChild(errorBox(e)); }
    more.disabled = false;
  });
  draw();
  if (next) root.appendChild(bar);
}
