// Event search (#/events).

import { h, mount } from './dom.js';
import { EVENT_TYPES } from './events.js';
import { api, query } from './api.js';
import { errorBox, select, input, toLocalInput, fromLocalInput } from './widgets.js';
import { eventRow, eventTable } from './event-rows.js';

export async function eventsPage(params) {
  const keys = ['q', 'type', 'status', 'model', 'provider', 'user', 'run', 'from', 'to'];
  const filters = {};
  for (const k of keys) filters[k] = params.get(k) || '';
  const before = params.get('before') || '';
  const root = h('div', { id: 'events-page' }, h('h1', null, 'Events'));
  mount(root);
  let facets = { users: [], models: [] };
  try { facets = await api('/api/v1/facets'); } catch (e) { /* filters still work as free text */ }
  const form = h('form', { class: 'panel filters', id: 'event-filters' },
    input('q', 'Text in content', filters.q, 'search', 'words from prompts, answers, tool results…'),
    select('type', 'Event type', [['', 'All types']].concat(EVENT_TYPES), filters.type),
    select('status', 'Status', [['', 'Any'], ['error', 'Errors'], ['ok', 'Not errors']], filters.status),
    select('model', 'Model', [['', 'All models']].concat(facets.models), filters.model),
    select('user', 'User', [['', 'All users']].concat(facets.users), filters.user),
    input('from', 'From', toLocalInput(filters.from), 'datetime-local'),
    input('to', 'To', toLocalInput(filters.to), 'datetime-local'),
    h('button', { class: 'primary', type: 'submit' }, 'Search'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    // run and provider have no field here; they come from links and stay as they are.
    location.hash = '#/events' + query(Object.assign({}, filters, {
      q: fd.get('q'), type: fd.get('type'), status: fd.get('status'), model: fd.get('model'), user: fd.get('user'),
      from: fromLocalInput(fd.get('from')), to: fromLocalInput(fd.get('to'))
    }));
  });
  root.appendChild(form);
  const panel = h('div', { class: 'panel' });
  root.appendChild(panel);
  let page;
  try { page = await api('/api/v1/events' + query(Object.assign({}, filters, { limit: 100, before }))); } catch (e) { panel.appendChild(errorBox(e)); return; }
  if (!page.events.length) { panel.appendChild(h('div', { class: 'empty' }, 'No events match.')); return; }
  const tbody = h('tbody', { id: 'event-results' }, page.events.map(x => eventRow(x.event, false)));
  panel.appendChild(eventTable(tbody));
  const pager = h('div', { class: 'pager' }, h('span', { class: 'muted' }, page.events.length + ' events, newest first'));
  if (before) pager.appendChild(h('button', { type: 'button', on: { click: () => { location.hash = '#/events' + query(filters); } } }, '« Newest'));
  if (page.next_before) pager.appendChild(h('button', { type: 'button', on: { click: () => { location.hash = '#/events' + query(Object.assign({}, filters, { before: page.next_before })); } } }, 'Older ›'));
  panel.appendChild(pager);
}
