// The live tail (#/live), over Server-Sent Events.

import { h, mount } from './dom.js';
import { EVENT_TYPES } from './events.js';
import { api, query } from './api.js';
import { select, input } from './widgets.js';
import { eventRow, eventTable } from './event-rows.js';

export function livePage(params) {
  const filters = { type: params.get('type') || '', user: params.get('user') || '', run: params.get('run') || '' };
  const dot = h('span', { class: 'dot' });
  const statusText = h('span', { id: 'live-status' }, 'connecting…');
  const counter = h('span', { class: 'muted', id: 'live-count' }, '');
  const tbody = h('tbody', { id: 'live-events' });
  let paused = false;
  let received = 0;
  const pauseBtn = h('button', { type: 'button', id: 'live-pause' }, 'Pause');
  const form = h('form', { class: 'panel filters' },
    select('type', 'Event type', [['', 'All types']].concat(EVENT_TYPES), filters.type),
    input('user', 'User', filters.user, 'text', 'any'),
    input('run', 'Run id', filters.run, 'text', 'any'),
    h('button', { class: 'primary', type: 'submit' }, 'Apply'),
    h('div', { class: 'live-bar' }, pauseBtn, h('span', { class: 'status' }, dot, statusText), counter));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    location.hash = '#/live' + query({ type: fd.get('type'), user: fd.get('user'), run: fd.get('run') });
  });
  const table = eventTable(tbody);
  const empty = h('div', { class: 'empty', id: 'live-empty' }, 'Waiting for events…');
  mount(h('div', { id: 'live-page' }, h('h1', null, 'Live'), form, h('div', { class: 'panel' }, table, empty)));

  function add(ev, fresh) {
    empty.hidden = true;
    tbody.insertBefore(eventRow(ev, fresh), tbody.firstChild);
    while (tbody.childNodes.length > 500) tbody.removeChild(tbody.lastChild);
  }
  let source = null;
  let closed = false;
  pauseBtn.addEventListener('click', () => { paused = !paused; pauseBtn.textContent = paused ? 'Resume' : 'Pause'; });
  (async () => {
    let after = 0;
    try {
      const recent = await api('/api/v1/events' + query(Object.assign({}, filters, { limit: 50 })));
      after = recent.latest_seq;
      recent.events.slice().reverse().forEach(x => add(x.event, false));
    } catch (e) { statusText.textContent = 'could not load recent events: ' + e.message; }
    if (closed) return;
    source = new EventSource('/api/v1/live' + query(Object.assign({}, filters, { after })));
    source.onopen = () => { dot.className = 'dot on'; statusText.textContent = 'live'; };
    source.onerror = () => { dot.className = 'dot off'; statusText.textContent = 'reconnecting…'; };
    source.addEventListener('event', msg => {
      received++;
      counter.textContent = received + ' new';
      if (paused) return;
      try { add(JSON.parse(msg.data), true); } catch (e) { /* ignore a malformed message */ }
    });
  })();
  return () => { closed = true; if (source) source.close(); };
}
