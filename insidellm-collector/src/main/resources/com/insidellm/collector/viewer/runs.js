// The runs list (#/runs).

import { h, mount } from './dom.js';
import { num, cost, dur, offset, time, shortId } from './format.js';
import { api, query } from './api.js';
import { errorBox, card, select, input, toLocalInput, fromLocalInput } from './widgets.js';

export async function runsPage(params) {
  const filters = {
    user: params.get('user') || '', model: params.get('model') || '', has_errors: params.get('has_errors') || '',
    from: params.get('from') || '', to: params.get('to') || ''
  };
  const offset = Number(params.get('offset') || 0);
  const limit = 25;
  const root = h('div', { id: 'runs-page' }, h('h1', null, 'Runs'));
  mount(root);
  let facets = { users: [], models: [] };
  let page;
  let totals = null;
  try {
    [facets, page, totals] = await Promise.all([api('/api/v1/facets'),
      api('/api/v1/runs' + query(Object.assign({}, filters, { limit, offset }))),
      api('/api/v1/stats/models' + query({ from: filters.from, to: filters.to }))]);
  } catch (e) { root.appendChild(errorBox(e)); return; }

  const form = h('form', { class: 'panel filters', id: 'run-filters' },
    select('user', 'User', [['', 'All users']].concat(facets.users), filters.user),
    select('model', 'Model', [['', 'All models']].concat(facets.models), filters.model),
    select('has_errors', 'Errors', [['', 'Any'], ['true', 'With errors'], ['false', 'Without errors']], filters.has_errors),
    input('from', 'From', toLocalInput(filters.from), 'datetime-local'),
    input('to', 'To', toLocalInput(filters.to), 'datetime-local'),
    h('button', { class: 'primary', type: 'submit' }, 'Apply'),
    h('button', { type: 'button', on: { click: () => { location.hash = '#/runs'; } } }, 'Reset'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const next = { user: fd.get('user'), model: fd.get('model'), has_errors: fd.get('has_errors'),
      from: fromLocalInput(fd.get('from')), to: fromLocalInput(fd.get('to')) };
    location.hash = '#/runs' + query(next);
  });
  root.appendChild(form);

  const t = totals.totals;
  root.appendChild(h('div', { class: 'cards' },
    card('Runs', num(page.total)), card('Events', num(t.events)), card('LLM calls', num(t.llm_calls)),
    card('Tokens', num(t.tokens)), card('Cost', cost(t.cost)), card('Errors', num(t.errors), t.errors > 0)));

  const panel = h('div', { class: 'panel' });
  root.appendChild(panel);
  if (!page.runs.length) {
    panel.appendChild(h('div', { class: 'empty' }, page.total === 0 && !Object.values(filters).some(Boolean)
      ? 'No runs yet. Point the SDK at this collector (base URL ' + location.origin + ') and they appear here.'
      : 'No runs match these filters.'));
    return;
  }
  const rows = page.runs.map(r => h('tr', {
    class: 'clickable' + (r.errors > 0 ? ' has-error' : ''), data: { runId: r.run_id },
    on: { click: () => { location.hash = '#/run/' + encodeURIComponent(r.run_id); } }
  },
    h('td', null, time(r.start)),
    h('td', null, h('a', { href: '#/run/' + encodeURIComponent(r.run_id), class: 'mono' }, shortId(r.run_id))),
    h('td', null, r.user_id),
    h('td', { class: 'num' }, dur(r.duration_ms)),
    h('td', { class: 'num' }, num(r.event_count)),
    h('td', { class: 'num' }, num(r.llm_calls)),
    h('td', { class: 'num' }, num(r.tokens)),
    h('td', { class: 'num' }, cost(r.cost)),
    h('td', { class: 'num' }, r.errors > 0 ? h('span', { class: 'pill err' }, num(r.errors)) : h('span', { class: 'muted' }, '0')),
    h('td', null, r.models.map(m => h('span', { class: 'pill' }, m))),
    h('td', null, r.ended ? h('span', { class: 'pill ok' }, 'ended') : h('span', { class: 'pill open' }, 'open'))));
  panel.appendChild(h('table', { id: 'runs-table' },
    h('thead', null, h('tr', null, h('th', null, 'Started'), h('th', null, 'Run'), h('th', null, 'User'),
      h('th', { class: 'num' }, 'Duration'), h('th', { class: 'num' }, 'Events'), h('th', { class: 'num' }, 'LLM calls'),
      h('th', { class: 'num' }, 'Tokens'), h('th', { class: 'num' }, 'Cost'), h('th', { class: 'num' }, 'Errors'),
      h('th', null, 'Models'), h('th', null, 'Status'))),
    h('tbody', null, rows)));
  const go = o => { location.hash = '#/runs' + query(Object.assign({}, filters, { offset: o || '' })); };
  panel.appendChild(h('div', { class: 'pager' },
    h('span', { class: 'muted' }, (offset + 1) + '–' + (offset + page.runs.length) + ' of ' + num(page.total)),
    h('button', { disabled: offset === 0, on: { click: () => go(Math.max(0, offset - limit)) } }, '‹ Newer'),
    h('button', { disabled: offset + limit >= page.total, on: { click: () => go(offset + limit) } }, 'Older ›')));
}
