// Event search (#/events): matching events by timestamp, newest first; every filter is kept in the URL.

import { h, mount } from './dom.js';
import { EVENT_TYPES } from './events.js';
import { api, query } from './api.js';
import { errorBox, select, input, toLocalInput, fromLocalInput, metaText, metaParams, filterBar } from './widgets.js';
import { eventRow, eventTable } from './event-rows.js';

const KEYS = ['q', 'type', 'status', 'model', 'provider', 'user', 'run', 'call_type', 'tag', 'trace', 'from', 'to'];

export async function eventsPage(params) {
  const filters = {};
  for (const k of KEYS) filters[k] = params.get(k) || '';
  Object.assign(filters, metaParams(metaText(params)));
  const before = params.get('before') || '';
  const root = h('div', { id: 'events-page' }, h('h1', null, 'Events'));
  mount(root);
  let facets = { users: [], models: [], call_types: [], tags: [] };
  try { facets = await api('/api/v1/facets'); } catch (e) { /* filters still work as free text */ }
  const form = filterBar('event-filters', [
    h('div', { class: 'wide' }, input('q', 'Text in content', filters.q, 'search', 'words from prompts, answers, tool results…')),
    select('type', 'Event type', [['', 'All types']].concat(EVENT_TYPES), filters.type),
    select('status', 'Status', [['', 'Any'], ['error', 'Errors'], ['ok', 'Not errors']], filters.status),
    select('model', 'Model', [['', 'All models']].concat(facets.models), filters.model),
    select('user', 'User', [['', 'All users']].concat(facets.users), filters.user),
    select('call_type', 'Call type', [['', 'Any']].concat(facets.call_types || []), filters.call_type),
    select('tag', 'Tag', [['', 'Any']].concat(facets.tags || []), filters.tag),
    input('trace', 'Trace', filters.trace, 'text', 'trace id'),
    input('run', 'Run', filters.run, 'text', 'run id'),
    input('meta', 'Metadata', metaText(params), 'text', 'key=value'),
    input('from', 'From', toLocalInput(filters.from), 'datetime-local'),
    input('to', 'To', toLocalInput(filters.to), 'datetime-local')], [
    h('button', { class: 'primary', type: 'submit' }, 'Search'),
    h('button', { type: 'button', on: { click: () => { location.hash = '#/events'; } } }, 'Reset')]);
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    // provider has no field here; it comes from links and stays as it is.
    const next = { provider: filters.provider };
    for (const k of KEYS) if (fd.has(k)) next[k] = fd.get(k);
    next.from = fromLocalInput(fd.get('from'));
    next.to = fromLocalInput(fd.get('to'));
    location.hash = '#/events' + query(Object.assign(next, metaParams(fd.get('meta'))));
  });
  root.appendChild(form);
  const panel = h('div', { class: 'panel' });
  root.appendChild(panel);
  let page;
  try { page = await api('/api/v1/events' + query(Object.assign({}, filters, { limit: 100, before }))); } catch (e) { panel.appendChild(errorBox(e)); return; }
  if (!page.events.length) { panel.appendChild(h('div', { class: 'empty' }, 'No events match.')); return; }
  const tbody = h('tbody', { id: 'event-results' }, page.events.map(x => eventRow(x.event, false)));
  panel.appendChild(eventTable(tbody));
  const pager = h('div', { class: 'pager' }, h('span', { class: 'muted' }, page.events.length + ' events, newest first by timestamp'));
  if (before) pager.appendChild(h('button', { type: 'button', on: { click: () => { location.hash = '#/events' + query(filters); } } }, '« Newest'));
  if (page.next_before) pager.appendChild(h('button', { type: 'button', on: { click: () => { location.hash = '#/events' + query(Object.assign({}, filters, { before: page.next_before })); } } }, 'Older ›'));
  panel.appendChild(pager);
}
