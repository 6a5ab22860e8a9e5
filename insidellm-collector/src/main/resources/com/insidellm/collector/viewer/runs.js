// The runs list (#/runs): each run by name, what was asked first, who asked, how it went.

import { h, mount } from './dom.js';
import { num, cost, dur, minute, shortId, truncate } from './format.js';
import { api, query } from './api.js';
import { errorBox, card, select, input, toLocalInput, fromLocalInput, metaText, metaParams, filterBar } from './widgets.js';

export function statusPill(run) {
  if (run.status === 'error') return h('span', { class: 'pill err status-pill' }, 'error');
  if (run.status === 'ok') return h('span', { class: 'pill ok status-pill' }, 'ok');
  return h('span', { class: 'pill open status-pill' }, 'running');
}

export function feedbackText(f) {
  if (!f || !f.count) return '';
  if (f.average === null || f.average === undefined) return f.count + ' given';
  return 'avg ' + (Math.round(f.average * 100) / 100) + ' of ' + f.count;
}

const KEYS = ['user', 'model', 'has_errors', 'call_type', 'tag', 'trace', 'from', 'to'];

export async function runsPage(params) {
  const filters = {};
  for (const k of KEYS) filters[k] = params.get(k) || '';
  Object.assign(filters, metaParams(metaText(params)));
  const offset = Number(params.get('offset') || 0);
  const limit = 25;
  const root = h('div', { id: 'runs-page' }, h('h1', null, 'Runs'));
  mount(root);
  let facets = { users: [], models: [], call_types: [], tags: [] };
  let page;
  let totals = null;
  try {
    [facets, page, totals] = await Promise.all([api('/api/v1/facets'),
      api('/api/v1/runs' + query(Object.assign({}, filters, { limit, offset }))),
      api('/api/v1/stats/models' + query({ from: filters.from, to: filters.to }))]);
  } catch (e) { root.appendChild(errorBox(e)); return; }

  const form = filterBar('run-filters', [
    select('user', 'User', [['', 'All users']].concat(facets.users), filters.user),
    select('model', 'Model', [['', 'All models']].concat(facets.models), filters.model),
    select('has_errors', 'Errors', [['', 'Any'], ['true', 'With errors'], ['false', 'Without errors']], filters.has_errors),
    select('call_type', 'Call type', [['', 'Any']].concat(facets.call_types || []), filters.call_type),
    select('tag', 'Tag', [['', 'Any']].concat(facets.tags || []), filters.tag),
    input('trace', 'Trace', filters.trace, 'text', 'trace id'),
    input('meta', 'Metadata', metaText(params), 'text', 'key=value'),
    input('from', 'From', toLocalInput(filters.from), 'datetime-local'),
    input('to', 'To', toLocalInput(filters.to), 'datetime-local')], [
    h('button', { class: 'primary', type: 'submit' }, 'Apply'),
    h('button', { type: 'button', on: { click: () => { location.hash = '#/runs'; } } }, 'Reset')]);
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const next = {};
    for (const k of KEYS) next[k] = fd.get(k);
    next.from = fromLocalInput(fd.get('from'));
    next.to = fromLocalInput(fd.get('to'));
    location.hash = '#/runs' + query(Object.assign(next, metaParams(fd.get('meta'))));
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
  // Feedback is a column only when a run on the page has some, so the table keeps to the page's width.
  const withFeedback = page.runs.some(r => r.feedback && r.feedback.count);
  const rows = page.runs.map(r => h('tr', {
    class: 'clickable' + (r.errors > 0 ? ' has-error' : ''), data: { runId: r.run_id },
    on: { click: () => { location.hash = '#/run/' + encodeURIComponent(r.run_id); } }
  },
    h('td', { class: 'nowrap', title: r.start }, minute(r.start)),
    h('td', { class: 'run-cell' },
      h('a', { href: '#/run/' + encodeURIComponent(r.run_id), class: 'run-name' }, r.name || h('span', { class: 'mono' }, shortId(r.run_id))),
      r.first_input ? h('div', { class: 'first-line', title: truncate(r.first_input, 1000) }, truncate(r.first_input, 90)) : null),
    h('td', null, r.user_id),
    h('td', null, statusPill(r)),
    h('td', { class: 'num nowrap' }, dur(r.duration_ms)),
    h('td', { class: 'num' }, num(r.llm_calls)),
    h('td', { class: 'num' }, num(r.tokens)),
    h('td', { class: 'num' }, cost(r.cost)),
    h('td', { class: 'num' }, r.errors > 0 ? h('span', { class: 'pill err' }, num(r.errors)) : h('span', { class: 'muted' }, '0')),
    withFeedback ? h('td', { class: 'feedback-cell' }, feedbackText(r.feedback)) : null,
    h('td', { class: 'models-cell' }, r.models.map(m => h('span', { class: 'pill' }, m)))));
  panel.appendChild(h('div', { class: 'table-scroll' }, h('table', { id: 'runs-table' },
    h('thead', null, h('tr', null, h('th', null, 'Started'), h('th', null, 'Run'), h('th', null, 'User'),
      h('th', null, 'Status'), h('th', { class: 'num' }, 'Duration'), h('th', { class: 'num' }, 'Calls'),
      h('th', { class: 'num' }, 'Tokens'), h('th', { class: 'num' }, 'Cost'), h('th', { class: 'num' }, 'Errors'),
      withFeedback ? h('th', null, 'Feedback') : null, h('th', null, 'Models'))),
    h('tbody', null, rows))));
  const go = o => { location.hash = '#/runs' + query(Object.assign({}, filters, { offset: o || '' })); };
  panel.appendChild(h('div', { class: 'pager' },
    h('span', { class: 'muted' }, (offset + 1) + '–' + (offset + page.runs.length) + ' of ' + num(page.total)),
    h('button', { disabled: offset === 0, on: { click: () => go(Math.max(0, offset - limit)) } }, '‹ Newer'),
    h('button', { disabled: offset + limit >= page.total, on: { click: () => go(offset + limit) } }, 'Older ›')));
}
