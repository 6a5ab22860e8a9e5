// Event rows, shared by the event search and the live tail.

import { h } from './dom.js';
import { dur, stamp, shortId, truncate } from './format.js';
import { typeBadge, isError, latency, summarize } from './events.js';

export function eventRow(ev, fresh) {
  return h('tr', { class: (isError(ev) ? 'has-error' : '') + (fresh ? ' fresh' : ''), data: { eventId: ev.event_id } },
    h('td', { class: 'mono nowrap' }, stamp(ev.timestamp)), h('td', null, typeBadge(ev.event_type), viaGateway(ev)), h('td', null, ev.user_id),
    h('td', null, h('a', { href: '#/run/' + encodeURIComponent(ev.run_id), class: 'mono' }, shortId(ev.run_id))),
    h('td', { class: 'summary-cell', title: truncate(summarize(ev), 2000) }, truncate(summarize(ev), 200)),
    h('td', { class: 'num mono' }, dur(latency(ev))));
}

// Calls the collector's gateway recorded (any app, no SDK) carry metadata.source = "gateway".
export function viaGateway(ev) {
  return ev.metadata && ev.metadata.source === 'gateway'
    ? h('span', { class: 'pill gateway', title: 'recorded by the collector\'s OpenAI-compatible gateway' }, 'gateway') : null;
}

export function eventTable(tbody) {
  return h('table', null, h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Type'),
    h('th', null, 'User'), h('th', null, 'Run'), h('th', null, 'Content'), h('th', { class: 'num' }, 'Duration'))), tbody);
}
