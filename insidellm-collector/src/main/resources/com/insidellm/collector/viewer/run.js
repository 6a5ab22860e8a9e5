// One run (#/run/{id}): summary and the timeline of its events.

import { h, mount } from './dom.js';
import { num, cost, dur, offset, time, micros, truncate } from './format.js';
import { typeBadge, isError, latency, summarize } from './events.js';
import { api } from './api.js';
import { errorBox, card } from './widgets.js';
import { conversation } from './conversation.js';
import { viaGateway } from './event-rows.js';

export async function runPage(runId, tab) {
  const root = h('div', { id: 'run-page' });
  mount(root);
  let data;
  try { data = await api('/api/v1/runs/' + encodeURIComponent(runId)); } catch (e) { root.appendChild(errorBox(e)); return; }
  const run = data.run;
  const events = data.events.map(x => x.event);
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
  root.appendChild(tab === 'conversation' ? conversation(events) : timeline(events, run));
}

export function timeline(events, run) {
  const start = micros(run.start);
  const byId = new Map(events.map(e => [e.event_id, e]));
  const children = new Map();
  const roots = [];
  for (const e of events) {
    const parent = e.parent_event_id && byId.has(e.parent_event_id) && e.parent_event_id !== e.event_id ? e.parent_event_id : null;
    if (parent) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(e);
    } else roots.push(e);
  }
  const seen = new Set();
  function node(e) {
    if (seen.has(e.event_id)) return null; // a parent cycle must not loop forever
    seen.add(e.event_id);
    const ms = latency(e);
    const details = h('pre', { class: 'json', hidden: true }, JSON.stringify(e, null, 2));
    const row = h('div', { class: 'node-row', title: 'Show the raw event' },
      h('span', { class: 'offset' }, offset((micros(e.timestamp) - start) / 1000)),
      typeBadge(e.event_type), viaGateway(e),
      h('span', { class: 'summary' }, truncate(summarize(e), 220)),
      h('span', { class: 'dur' + (ms > 5000 ? ' slow' : '') }, ms !== null ? dur(ms) : ''));
    row.addEventListener('click', () => { details.hidden = !details.hidden; });
    const kids = (children.get(e.event_id) || []).map(node).filter(Boolean);
    return h('li', { class: 'node' + (isError(e) ? ' error' : ''), data: { eventId: e.event_id, type: e.event_type } },
      row, details, kids.length ? h('ul', null, kids) : null);
  }
  const list = h('ul', { class: 'tree', id: 'timeline' }, roots.map(node));
  return h('div', { class: 'panel pad' }, events.length ? list : h('div', { class: 'empty' }, 'No events.'));
}
