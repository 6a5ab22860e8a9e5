// Analytics (#/analytics): charts over time; figures per model, user and tool; time to first token; feedback.

import { h, s, mount } from './dom.js';
import { num, cost, dur, time } from './format.js';
import { api, query } from './api.js';
import { errorBox, card, toLocalInput, fromLocalInput, input } from './widgets.js';

export const PALETTE = ['#4f46e5', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16', '#64748b'];


export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
export function shortNum(v) {
  if (v >= 1e6) return (v / 1e6).toFixed(v >= 1e7 ? 0 : 1) + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(v >= 1e4 ? 0 : 1) + 'k';
  return String(Math.round(v * 1000) / 1000);
}
export function bucketLabel(iso, seconds) {
  const d = new Date(iso);
  if (seconds >= 86400) return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    second: seconds < 60 ? '2-digit' : undefined, hour12: false });
}

// An axis label in two lines: the time of day (or the day, for day buckets), and under it the date with its year
// where it starts or changes — so a range spanning days or years reads without guessing.
export function axisLabel(iso, seconds, previousIso) {
  const d = new Date(iso);
  const day = x => x.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  if (seconds >= 86400) {
    const year = String(d.getFullYear());
    const changed = !previousIso || new Date(previousIso).getFullYear() !== d.getFullYear();
    return [d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }), changed ? year : ''];
  }
  const clock = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: seconds < 60 ? '2-digit' : undefined, hour12: false });
  const changed = !previousIso || day(new Date(previousIso)) !== day(d);
  return [clock, changed ? day(d) : ''];
}

export function bucketName(seconds) {
  const units = [[7 * 86400, 'week'], [86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  for (const [size, name] of units) {
    if (seconds % size === 0) { const n = seconds / size; return n === 1 ? name : n + ' ' + name + 's'; }
  }
  return seconds + ' s';
}

function day(iso) { return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }); }

// Rates: 0 as "0 %", tiny ones as "<0.1 %" rather than a misleading "0.0 %".
export function pct(rate) {
  if (!rate) return '0 %';
  if (rate < 0.001) return '<0.1 %';
  return (100 * rate).toFixed(rate < 0.1 ? 1 : 0) + ' %';
}
// What a rate of errors means: none is good, under 1 % is normal, under 5 % a warning, more is bad.
export function rateTone(rate) {
  if (!rate) return 'good';
  if (rate < 0.01) return '';
  return rate < 0.05 ? 'warn' : 'bad';
}
export function money(v) {
  if (!v) return '$0';
  if (v >= 100) return '$' + Math.round(v);
  if (v >= 1) return '$' + v.toFixed(2);
  return '$' + Number(v.toPrecision(2));
}

export const W = 560, H = 232, L = 64, R = 14, T = 12, B = 40;

export function axes(g, max, buckets, seconds, fmt) {
  // niceMax returns 1, 2, 2.5 or 5 times a power of ten: 5 steps keep 5 and 2.5 on round numbers.
  const lead = max / Math.pow(10, Math.floor(Math.log10(max)));
  const ticks = lead === 5 || lead === 2.5 ? 5 : 4;
  for (let i = 0; i <= ticks; i++) {
    const y = T + (H - T - B) * (1 - i / ticks);
    g.appendChild(s('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid' }));
    g.appendChild(s('text', { x: L - 6, y: y + 3, 'text-anchor': 'end', class: 'axis' }, fmt(max * i / ticks)));
  }
  const n = buckets.length;
  const step = Math.max(1, Math.ceil(n / 5));
  let previous = null;
  for (let i = 0; i < n; i += step) {
    const x = L + (W - L - R) * (i + 0.5) / n;
    const [top, bottom] = axisLabel(buckets[i].start, seconds, previous);
    previous = buckets[i].start;
    g.appendChild(s('text', { x, y: H - B + 14, 'text-anchor': 'middle', class: 'axis' }, top));
    if (bottom) g.appendChild(s('text', { x, y: H - B + 28, 'text-anchor': 'middle', class: 'axis date' }, bottom));
  }
}

export function stackedBars(title, ts, field, colors, fmt) {
  const buckets = ts.buckets;
  const totals = buckets.map(b => ts.models.reduce((a, m) => a + ((b.per_model[m] || {})[field] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title });
  axes(svg, max, buckets, ts.bucket_seconds, fmt);
  const n = buckets.length;
  const bw = (W - L - R) / Math.max(n, 1);
  buckets.forEach((b, i) => {
    let y = H - B;
    for (const m of ts.models) {
      const v = (b.per_model[m] || {})[field] || 0;
      if (!v) continue;
      const hgt = (H - T - B) * v / max;
      y -= hgt;
      svg.appendChild(s('rect', { x: L + i * bw + bw * 0.12, y, width: Math.max(1, bw * 0.76), height: Math.max(0.5, hgt), fill: colors[m], rx: 1.5 },
        s('title', null, bucketLabel(b.start, ts.bucket_seconds) + ' · ' + m + ': ' + fmt(v))));
    }
  });
  return chartPanel(title, svg, ts.models.map(m => [m, colors[m]]));
}

export function lines(title, ts, series, fmt, fixedMax) {
  const buckets = ts.buckets;
  const values = series.flatMap(sr => buckets.map(sr.value)).filter(v => v !== null && v !== undefined);
  const max = fixedMax || niceMax(Math.max(0, ...values));
  const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title });
  axes(svg, max, buckets, ts.bucket_seconds, fmt);
  const n = buckets.length;
  const xAt = i => L + (W - L - R) * (i + 0.5) / Math.max(n, 1);
  const yAt = v => T + (H - T - B) * (1 - v / max);
  for (const sr of series) {
    let d = '';
    let pen = false;
    buckets.forEach((b, i) => {
      const v = sr.value(b);
      if (v === null || v === undefined) { pen = false; return; }
      d += (pen ? 'L' : 'M') + xAt(i).toFixed(1) + ' ' + yAt(v).toFixed(1) + ' ';
      pen = true;
      svg.appendChild(s('circle', { cx: xAt(i), cy: yAt(v), r: 2.6, fill: sr.color },
        s('title', null, bucketLabel(b.start, ts.bucket_seconds) + ' · ' + sr.name + ': ' + fmt(v))));
    });
    if (d) svg.insertBefore(s('path', { d, fill: 'none', stroke: sr.color, 'stroke-width': 2, 'stroke-linejoin': 'round' }), svg.firstChild.nextSibling);
  }
  return chartPanel(title, svg, series.map(sr => [sr.name, sr.color]));
}

export function chartPanel(title, svg, legend) {
  return h('div', { class: 'panel chart' }, h('h2', null, title), svg,
    h('div', { class: 'legend' }, legend.map(([name, color]) => {
      const sw = h('span', { class: 'sw' });
      sw.style.background = color; // CSSOM, allowed by the style-src policy
      return h('span', null, sw, name);
    })));
}

// Horizontal bars, one per row, for figures per model, user or tool: [label, value, color].
export function hbars(title, id, items, fmt, note) {
  const rowH = 26;
  const labelW = 150;
  const width = W;
  const height = Math.max(1, items.length) * rowH + 8;
  const max = niceMax(Math.max(0, ...items.map(i => i[1] || 0)));
  const svg = s('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title });
  items.forEach(([label, value, color], i) => {
    const y = 4 + i * rowH;
    svg.appendChild(s('text', { x: labelW - 8, y: y + 16, 'text-anchor': 'end', class: 'axis label' }, String(label).slice(0, 24)));
    const w = (width - labelW - 90) * (value || 0) / max;
    svg.appendChild(s('rect', { x: labelW, y: y + 4, width: Math.max(value ? 1 : 0, w), height: rowH - 10, rx: 2, fill: color },
      s('title', null, label + ': ' + fmt(value))));
    svg.appendChild(s('text', { x: labelW + w + 6, y: y + 16, class: 'axis value' }, value === null || value === undefined ? '–' : fmt(value)));
  });
  const panel = h('div', { class: 'panel chart', id }, h('h2', null, title), svg);
  if (note) panel.appendChild(h('div', { class: 'legend' }, note));
  return panel;
}

// "All time" spans the earliest to the latest timestamp stored, so one event stamped years off (a wrong clock)
// squeezes everything else into one bar. When fewer than 1 % of the events sit on one side of a gap wider than half
// the range, the range that holds the rest: {from, to, left out, earliest or latest outlier}; else null.
export function denseRange(ts) {
  const b = ts.buckets;
  const total = b.reduce((a, x) => a + x.events, 0);
  const used = [];
  b.forEach((x, i) => { if (x.events) used.push(i); });
  if (used.length < 2 || !total) return null;
  let gap = 0, at = -1;
  for (let k = 1; k < used.length; k++) if (used[k] - used[k - 1] > gap) { gap = used[k] - used[k - 1]; at = k; }
  const lead = used[0];
  const trail = b.length - 1 - used[used.length - 1];
  if (gap <= b.length / 2) {
    // No outlier, but the range may still open (or close) with a long empty stretch left by an earlier zoom.
    if (lead > b.length / 2) return { from: b[lead].start, to: null, left: 0 };
    if (trail > b.length / 2) return { from: null, to: b[used[used.length - 1] + 1].start, left: 0 };
    return null;
  }
  const before = used.slice(0, at).reduce((a, i) => a + b[i].events, 0);
  const after = total - before;
  const period = i => [b[i].start, new Date(Date.parse(b[i].start) + ts.bucket_seconds * 1000).toISOString()];
  if (before < total * 0.01) return { from: b[used[at]].start, to: null, left: before, outlier: period(used[0]) };
  if (after < total * 0.01) return { from: null, to: b[used[at - 1] + 1].start, left: after, outlier: period(used[used.length - 1]) };
  return null;
}

function table(id, head, rows) {
  return h('table', { id }, h('thead', null, h('tr', null, head.map(([t, numeric]) => h('th', numeric ? { class: 'num' } : null, t)))),
    h('tbody', null, rows));
}
function rateCell(errors, total) {
  const rate = total ? errors / total : 0;
  return h('td', { class: 'num' }, h('span', { class: 'rate ' + rateTone(rate) }, pct(rate)));
}
function feedbackCell(f) {
  if (!f || !f.count) return h('td', { class: 'num muted' }, '–');
  return h('td', { class: 'num' }, f.average === null ? f.count + ' given' : (Math.round(f.average * 100) / 100) + ' (' + f.count + ')');
}

export async function analyticsPage(params) {
  const range = params.get('from') || params.get('to') ? 'custom' : params.get('range') || 'all';
  const root = h('div', { id: 'analytics-page' });
  mount(root);
  const ranges = [['1h', 'Last hour', 3600], ['24h', 'Last 24 h', 86400], ['7d', 'Last 7 days', 7 * 86400], ['30d', 'Last 30 days', 30 * 86400], ['all', 'All time', 0]];
  const custom = h('form', { class: 'range-custom' }, input('from', 'From', toLocalInput(params.get('from')), 'datetime-local'),
    input('to', 'To', toLocalInput(params.get('to')), 'datetime-local'), h('button', { type: 'submit' }, 'Show'));
  custom.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(custom);
    location.hash = '#/analytics' + query({ from: fromLocalInput(fd.get('from')), to: fromLocalInput(fd.get('to')) });
  });
  root.appendChild(h('div', { class: 'run-head' }, h('h1', null, 'Analytics'),
    h('div', { class: 'range' }, ranges.map(([k, label]) => h('button', {
      type: 'button', class: k === range ? 'active' : '', on: { click: () => { location.hash = '#/analytics?range=' + k; } }
    }, label))), custom));
  let q = {};
  if (range === 'custom') q = { from: params.get('from') || '', to: params.get('to') || '' };
  else {
    const sel = ranges.find(r => r[0] === range) || ranges[4];
    if (sel[2]) q = { from: new Date(Date.now() - sel[2] * 1000).toISOString(), to: new Date().toISOString() };
  }
  let stats, ts, tools, users, feedback;
  const load = async qs => Promise.all(['models', 'timeseries', 'tools', 'users', 'feedback'].map(k => api('/api/v1/stats/' + k + query(qs))));
  let zoomed = null;
  try {
    let qs = q;
    for (let pass = 0; pass < 3; pass++) {
      [stats, ts, tools, users, feedback] = await load(qs);
      const dense = range === 'all' && !params.get('outliers') ? denseRange(ts) : null;
      if (!dense) break;
      if (dense.left && !zoomed) zoomed = dense;
      qs = { from: dense.from || qs.from || '', to: dense.to || qs.to || '' };
    }
  } catch (e) { root.appendChild(errorBox(e)); return; }
  if (zoomed) {
    root.appendChild(h('div', { class: 'diff-note', id: 'outlier-note' }, num(zoomed.left) + ' event' + (zoomed.left === 1 ? '' : 's')
      + ' dated between ' + day(zoomed.outlier[0]) + ' and ' + day(zoomed.outlier[1]) + ' (far from all others: a wrong clock?) ' + (zoomed.left === 1 ? 'is' : 'are')
      + ' left out of these figures. ', h('a', { href: '#/analytics?range=all&outliers=1' }, 'Include ' + (zoomed.left === 1 ? 'it' : 'them'))));
  }
  const t = stats.totals;
  const errorRate = t.events ? t.errors / t.events : 0;
  const fb = feedback.totals;
  root.appendChild(h('div', { class: 'cards', id: 'analytics-cards' }, card('LLM calls', num(t.llm_calls)), card('Tokens', num(t.tokens)),
    card('Cost', cost(t.cost)), card('Runs', num(t.runs)), card('Events', num(t.events)),
    h('div', { id: 'error-rate-card', class: 'card-wrap' }, card('Error rate', t.events ? pct(errorRate) : '–', t.events ? rateTone(errorRate) : '')),
    card('Feedback given', fb.count ? num(fb.count) : '–')));
  if (ts.from || ts.to) root.appendChild(h('div', { class: 'muted range-note' }, 'From ' + time(ts.from) + ' to ' + time(ts.to) + (ts.bucket_seconds ? ' · one bar per ' + bucketName(ts.bucket_seconds) : '')));
  if (!t.events) { root.appendChild(h('div', { class: 'panel empty' }, 'No events in this range.')); return; }
  const colors = {};
  ts.models.forEach((m, i) => { colors[m] = PALETTE[i % PALETTE.length]; });
  stats.models.forEach((m, i) => { if (!colors[m.model]) colors[m.model] = PALETTE[(ts.models.length + i) % PALETTE.length]; });
  root.appendChild(h('div', { class: 'charts', id: 'charts' },
    stackedBars('LLM calls per model', ts, 'calls', colors, v => shortNum(v)),
    stackedBars('Tokens per model', ts, 'tokens', colors, v => shortNum(v)),
    stackedBars('Cost per model (USD)', ts, 'cost', colors, money),
    lines('LLM latency (ms)', ts, [
      { name: 'p50', color: '#4f46e5', value: b => b.latency_p50_ms },
      { name: 'p95', color: '#f59e0b', value: b => b.latency_p95_ms }], v => shortNum(v)),
    lines('Error rate (errors / events)', ts, [
      { name: 'error rate', color: '#dc2626', value: b => b.events ? b.error_rate * 100 : null }], v => (v < 10 && v % 1 ? v.toFixed(1) : v.toFixed(0)) + '%',
      Math.max(5, niceMax(Math.max(0, ...ts.buckets.map(b => b.error_rate * 100))))),
    hbars('Time to first token per model (p50)', 'ttft-chart', stats.models.filter(m => m.ttft_p50_ms !== null)
      .map(m => [m.model, m.ttft_p50_ms, colors[m.model] || '#999']), v => dur(v),
      stats.models.some(m => m.ttft_p50_ms !== null) ? 'Streamed calls only: the time until the first token arrived.' : 'No streamed calls in this range.')));

  const models = stats.models.map(m => h('tr', null,
    h('td', null, (() => { const sw = h('span', { class: 'sw' }); sw.style.background = colors[m.model] || '#999'; return h('span', { class: 'legend' }, h('span', null, sw, m.model)); })()),
    h('td', null, m.provider), h('td', { class: 'num' }, num(m.calls)), h('td', { class: 'num' }, num(m.prompt_tokens)),
    h('td', { class: 'num' }, num(m.completion_tokens)), h('td', { class: 'num' }, cost(m.cost)),
    h('td', { class: 'num' }, dur(m.latency_p50_ms)), h('td', { class: 'num' }, dur(m.latency_p95_ms)),
    h('td', { class: 'num' }, dur(m.ttft_p50_ms)), h('td', { class: 'num' }, dur(m.ttft_p95_ms)),
    rateCell(m.errors, m.calls)));
  root.appendChild(h('div', { class: 'panel section' }, h('h2', { class: 'table-title' }, 'Per model'), table('model-table',
    [['Model'], ['Provider'], ['Calls', 1], ['Prompt tokens', 1], ['Completion tokens', 1], ['Cost', 1], ['Latency p50', 1],
      ['p95', 1], ['TTFT p50', 1], ['TTFT p95', 1], ['Error rate', 1]], models)));

  const userRows = users.users.map(u => h('tr', null, h('td', null, h('a', { href: '#/runs?user=' + encodeURIComponent(u.user_id) }, u.user_id)),
    h('td', { class: 'num' }, num(u.runs)), h('td', { class: 'num' }, num(u.llm_calls)), h('td', { class: 'num' }, num(u.tokens)),
    h('td', { class: 'num' }, cost(u.cost)), h('td', { class: 'num' }, num(u.errors)), rateCell(u.errors, u.events),
    feedbackCell(u.feedback), h('td', { class: 'nowrap muted' }, time(u.last_seen))));
  const toolRows = tools.tools.map(x => h('tr', null, h('td', null, x.tool), h('td', null, x.type || ''),
    h('td', { class: 'num' }, num(x.calls)), h('td', { class: 'num' }, num(x.failures)), rateCell(x.failures, x.calls),
    h('td', { class: 'num' }, dur(x.duration_p50_ms)), h('td', { class: 'num' }, dur(x.duration_p95_ms))));
  root.appendChild(h('div', { class: 'two-col' },
    h('div', { class: 'panel section' }, h('h2', { class: 'table-title' }, 'Per user'), userRows.length ? table('user-table',
      [['User'], ['Runs', 1], ['LLM calls', 1], ['Tokens', 1], ['Cost', 1], ['Errors', 1], ['Error rate', 1], ['Feedback', 1], ['Last seen']], userRows)
      : h('div', { class: 'empty' }, 'No users.')),
    h('div', { class: 'panel section' }, h('h2', { class: 'table-title' }, 'Tools'), toolRows.length ? table('tool-table',
      [['Tool'], ['Type'], ['Calls', 1], ['Failures', 1], ['Failure rate', 1], ['p50', 1], ['p95', 1]], toolRows)
      : h('div', { class: 'empty' }, 'No tool calls in this range.'))));
  const fbRows = feedback.types.map(x => h('tr', null, h('td', null, x.feedback_type), h('td', { class: 'num' }, num(x.count)),
    h('td', { class: 'num' }, x.average === null ? '–' : String(Math.round(x.average * 100) / 100)), h('td', { class: 'num' }, num(x.scored))));
  root.appendChild(h('div', { class: 'panel section' }, h('h2', { class: 'table-title' }, 'Feedback'), fbRows.length ? table('feedback-table',
    [['Type'], ['Given', 1], ['Average score', 1], ['Scored', 1]], fbRows)
    : h('div', { class: 'empty' }, 'No feedback in this range. Record it with user.feedback events (thumbs, ratings).')));
}
