// Analytics (#/analytics): charts over time and per model.

import { h, s, mount } from './dom.js';
import { num, cost, dur } from './format.js';
import { api, query } from './api.js';
import { errorBox, card } from './widgets.js';

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
  if (seconds >= 86400) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (seconds >= 60) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return d.toLocaleTimeString(undefined, { hour12: false });
}

export const W = 560, H = 220, L = 48, R = 12, T = 12, B = 28;

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
  const step = Math.max(1, Math.ceil(n / 6));
  for (let i = 0; i < n; i += step) {
    const x = L + (W - L - R) * (i + 0.5) / n;
    g.appendChild(s('text', { x, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, bucketLabel(buckets[i].start, seconds)));
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

export async function analyticsPage(params) {
  const range = params.get('range') || 'all';
  const root = h('div', { id: 'analytics-page' });
  mount(root);
  const ranges = [['1h', 'Last hour', 3600], ['24h', 'Last 24 h', 86400], ['7d', 'Last 7 days', 7 * 86400], ['30d', 'Last 30 days', 30 * 86400], ['all', 'All time', 0]];
  root.appendChild(h('div', { class: 'run-head' }, h('h1', null, 'Analytics'),
    h('div', { class: 'range' }, ranges.map(([k, label]) => h('button', {
      type: 'button', class: k === range ? 'active' : '', on: { click: () => { location.hash = '#/analytics?range=' + k; } }
    }, label)))));
  const sel = ranges.find(r => r[0] === range) || ranges[4];
  const q = sel[2] ? { from: new Date(Date.now() - sel[2] * 1000).toISOString(), to: new Date().toISOString() } : {};
  let stats, ts;
  try {
    [stats, ts] = await Promise.all([api('/api/v1/stats/models' + query(q)), api('/api/v1/stats/timeseries' + query(q))]);
  } catch (e) { root.appendChild(errorBox(e)); return; }
  const t = stats.totals;
  root.appendChild(h('div', { class: 'cards' }, card('LLM calls', num(t.llm_calls)), card('Tokens', num(t.tokens)),
    card('Cost', cost(t.cost)), card('Runs', num(t.runs)), card('Events', num(t.events)),
    card('Error rate', t.events ? (100 * t.errors / t.events).toFixed(1) + ' %' : '–', t.errors > 0)));
  if (!t.events) { root.appendChild(h('div', { class: 'panel empty' }, 'No events in this range.')); return; }
  const colors = {};
  ts.models.forEach((m, i) => { colors[m] = PALETTE[i % PALETTE.length]; });
  root.appendChild(h('div', { class: 'charts', id: 'charts' },
    stackedBars('LLM calls per model', ts, 'calls', colors, v => shortNum(v)),
    stackedBars('Tokens per model', ts, 'tokens', colors, v => shortNum(v)),
    stackedBars('Cost per model (USD)', ts, 'cost', colors, v => '$' + (v >= 1 ? v.toFixed(2) : v.toPrecision(2))),
    lines('LLM latency (ms)', ts, [
      { name: 'p50', color: '#4f46e5', value: b => b.latency_p50_ms },
      { name: 'p95', color: '#f59e0b', value: b => b.latency_p95_ms }], v => shortNum(v)),
    lines('Error rate (errors / events)', ts, [
      { name: 'error rate', color: '#dc2626', value: b => b.events ? b.error_rate * 100 : null }], v => v.toFixed(0) + '%',
      Math.max(5, niceMax(Math.max(0, ...ts.buckets.map(b => b.error_rate * 100)))))));
  const rows = stats.models.map(m => h('tr', null,
    h('td', null, (() => { const sw = h('span', { class: 'sw' }); sw.style.background = colors[m.model] || '#999'; return h('span', { class: 'legend' }, h('span', null, sw, m.model)); })()),
    h('td', null, m.provider), h('td', { class: 'num' }, num(m.calls)), h('td', { class: 'num' }, num(m.prompt_tokens)),
    h('td', { class: 'num' }, num(m.completion_tokens)), h('td', { class: 'num' }, cost(m.cost)),
    h('td', { class: 'num' }, dur(m.latency_p50_ms)), h('td', { class: 'num' }, dur(m.latency_p95_ms)),
    h('td', { class: 'num' }, m.errors ? h('span', { class: 'pill err' }, num(m.errors)) : '0')));
  root.appendChild(h('div', { class: 'panel section' }, h('table', { id: 'model-table' },
    h('thead', null, h('tr', null, h('th', null, 'Model'), h('th', null, 'Provider'), h('th', { class: 'num' }, 'Calls'),
      h('th', { class: 'num' }, 'Prompt tokens'), h('th', { class: 'num' }, 'Completion tokens'), h('th', { class: 'num' }, 'Cost'),
      h('th', { class: 'num' }, 'p50'), h('th', { class: 'num' }, 'p95'), h('th', { class: 'num' }, 'Errors'))),
    h('tbody', null, rows))));
}
