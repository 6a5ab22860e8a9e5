// A run's timeline (#/run/{id}): its calls in time order as a waterfall. A call recorded as a start event and an end
// event (llm.request/llm.response, tool.call/tool.response, chain.start/chain.end, …) is one row with a bar from its
// start to its end; an event that reports its own duration ends at its timestamp; others are points. Rows are indented
// under the row holding their parent event, and ordered by when they start.

import { h } from './dom.js';
import { dur, micros, truncate } from './format.js';
import { typeBadge, isError, latency, summarize } from './events.js';
import { viaGateway } from './event-rows.js';

// End event type -> start event type. The end names its start as parent (the SDK's rule); run.end pairs by type.
const ENDS = { 'llm.response': 'llm.request', 'tool.response': 'tool.call', 'chain.end': 'chain.start',
  'retrieval.end': 'retrieval.start', 'api.response': 'api.request', 'run.end': 'run.start' };

// Signed offset from the run's start: "+1.20 s", "−2 min 3 s"; years or days when a stray timestamp is far away.
export function signedOffset(ms) {
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  if (a >= 365.25 * 86400000) return sign + (a / (365.25 * 86400000)).toFixed(1) + ' years';
  if (a >= 2 * 86400000) return sign + (a / 86400000).toFixed(1) + ' days';
  return sign + (a === 0 ? '0 ms' : dur(a));
}

// Rows of the waterfall: {start, end, first, last, events, depth, parentRow, error}; times in microseconds.
export function buildRows(events) {
  const rows = [];
  const rowOf = new Map(); // event id -> row
  const byId = new Map(events.map(e => [e.event_id, e]));
  let runStartRow = null;
  for (const e of events) {
    const t = micros(e.timestamp);
    const startType = ENDS[e.event_type];
    let row = null;
    if (startType) {
      const parent = e.parent_event_id ? rowOf.get(e.parent_event_id) : null;
      if (parent && parent.first.event_type === startType && !parent.last) row = parent;
      else if (e.event_type === 'run.end' && runStartRow && !runStartRow.last) row = runStartRow;
    }
    if (row) {
      row.last = e;
      row.end = Math.max(row.start, t);
      row.events.push(e);
    } else {
      const ms = latency(e);
      // An event reporting its own duration (function_execution, a lone tool.response) is written when it ends.
      const start = ms !== null && !startType ? t - ms * 1000 : t;
      row = { start, end: t, first: e, last: null, events: [e], depth: 0, parentRow: null, point: !ms };
      rows.push(row);
      if (e.event_type === 'run.start' && !runStartRow) runStartRow = row;
    }
    rowOf.set(e.event_id, row);
  }
  for (const row of rows) {
    row.point = row.point && !row.last;
    row.error = row.events.some(isError);
    const p = row.first.parent_event_id;
    const parentRow = p && byId.has(p) ? rowOf.get(p) : null;
    row.parentRow = parentRow && parentRow !== row ? parentRow : null;
  }
  // Depth through parent rows; a parent cycle must not loop forever.
  for (const row of rows) {
    let d = 0;
    const seen = new Set([row]);
    for (let r = row.parentRow; r && !seen.has(r); r = r.parentRow) { seen.add(r); d++; }
    row.depth = Math.min(d, 12);
  }
  rows.sort((a, b) => a.start - b.start || a.depth - b.depth);
  return rows;
}

function rowSummary(row) {
  if (!row.last) return summarize(row.first);
  const first = summarize(row.first);
  const last = summarize(row.last);
  if (row.first.event_type === 'run.start') return 'run' + (row.last.payload && row.last.payload.exit_reason ? ': ' + row.last.payload.exit_reason : '');
  return first + (last && last !== first ? ' ⟶ ' + last : '');
}

// The waterfall's scale: the run's own span, widened to the rows that fall within a day of it (a stray timestamp
// further away is clamped to the edge and flagged, instead of squeezing every other bar to nothing).
function scale(rows, run) {
  let lo = micros(run.start);
  let hi = micros(run.end);
  const slack = 86400e6;
  for (const r of rows) {
    if (r.start >= lo - slack && r.start < lo) lo = r.start;
    if (r.end <= hi + slack && r.end > hi) hi = r.end;
  }
  return { lo, hi: Math.max(hi, lo + 1) };
}

// One row's elements, cloned per row: cheaper than building each element anew for thousands of rows.
let template = null;
function rowTemplate() {
  if (!template) {
    template = h('div', { class: 'wf-row' }, h('span', { class: 'offset' }), h('span', { class: 'wf-label' }),
      h('span', { class: 'dur' }), h('span', { class: 'track' }, h('span', { class: 'bar' })));
  }
  return template;
}

// Rows shown at once; the rest are added in slices after the first paint, so a long run shows at once.
const FIRST_SLICE = 300;
const SLICE = 1500;

export function timeline(events, run) {
  const rows = buildRows(events);
  const { lo, hi } = scale(rows, run);
  const origin = micros(run.start);
  const span = hi - lo;
  const list = h('div', { class: 'waterfall', id: 'timeline' },
    h('div', { class: 'wf-head' }, h('span', null, 'Start'), h('span', null, 'Call'), h('span', { class: 'num' }, 'Duration'),
      h('span', { class: 'wf-scale' }, h('span', null, '0'), h('span', null, dur((hi - lo) / 1000)))));

  function rowElement(row, index) {
    const outside = row.start < lo || row.end > hi;
    const el = rowTemplate().cloneNode(true);
    const [offsetEl, label, durEl, track] = el.children;
    const bar = track.firstChild;
    if (row.error) el.classList.add('error');
    if (outside) {
      el.classList.add('outside');
      el.title = 'Outside the run\'s span: this event\'s timestamp is far from the run\'s other events';
    }
    el.dataset.index = index;
    el.dataset.eventId = row.first.event_id;
    el.dataset.type = row.first.event_type;
    el.dataset.depth = row.depth;
    el.dataset.offsetUs = row.start - origin;
    offsetEl.textContent = signedOffset((row.start - origin) / 1000);
    label.appendChild(typeBadge(row.first.event_type));
    if (row.last && row.last.event_type !== row.first.event_type) label.appendChild(typeBadge(row.last.event_type));
    const via = viaGateway(row.first);
    if (via) label.appendChild(via);
    label.appendChild(h('span', { class: 'summary' }, truncate(rowSummary(row), 200)));
    if (row.depth) label.style.paddingLeft = (row.depth * 16) + 'px';
    const left = Math.min(100, Math.max(0, (row.start - lo) / span * 100));
    const right = Math.min(100, Math.max(0, (row.end - lo) / span * 100));
    bar.className = 'bar' + (row.point ? ' point' : '') + (row.error ? ' err' : '') + (outside ? ' outside' : '');
    bar.style.left = left + '%';
    if (!row.point) bar.style.width = Math.max(0.4, right - left) + '%';
    const durationMs = (row.end - row.start) / 1000;
    const reported = row.last ? latency(row.last) : null;
    if (!row.point) {
      durEl.textContent = durationMs === 0 ? '0 ms' : dur(durationMs);
      // The event's own measure (response_time_ms, execution_time_ms) next to the timestamps' difference.
      if (reported !== null) durEl.title = 'reported by the event: ' + dur(reported);
      if (durationMs > 5000) durEl.classList.add('slow');
    }
    return el;
  }

  function append(from, to) {
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) frag.appendChild(rowElement(rows[i], i));
    list.appendChild(frag);
    if (to < rows.length) setTimeout(() => append(to, Math.min(rows.length, to + SLICE)), 0);
    else list.dataset.complete = 'true';
  }
  append(0, Math.min(rows.length, FIRST_SLICE));

  // One listener for all rows: the raw events of a row open below it, built on first click.
  list.addEventListener('click', ev => {
    const el = ev.target.closest('.wf-row');
    if (!el || el.dataset.index === undefined) return;
    const next = el.nextElementSibling;
    if (next && next.tagName === 'PRE') { next.hidden = !next.hidden; return; }
    const row = rows[Number(el.dataset.index)];
    el.after(h('pre', { class: 'json' }, JSON.stringify(row.events.length === 1 ? row.events[0] : row.events, null, 2)));
  });
  return h('div', { class: 'panel' }, events.length ? list : h('div', { class: 'empty' }, 'No events.'));
}
