// Formatting numbers, costs, durations and times.

export const nf = new Intl.NumberFormat('en-US');
export function num(n) { return n === null || n === undefined ? '–' : nf.format(n); }
export function cost(c) {
  if (!c) return '$0';
  return c < 0.01 ? '$' + c.toFixed(5) : c < 10 ? '$' + c.toFixed(4) : '$' + c.toFixed(2);
}
export function dur(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  if (ms === 0) return '0 ms';
  if (ms < 1) return ms.toFixed(1) + ' ms';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  const m = Math.floor(ms / 60000);
  return m + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}
export function offset(ms) { return ms > 0 ? '+' + dur(ms) : '+0 ms'; }
export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
export function clock(iso) {
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}
export function shortId(id) { return id ? String(id).slice(0, 8) : ''; }
export function micros(iso) {
  // Date keeps milliseconds only; keep the microseconds for ordering and offsets.
  const m = /\.(\d+)/.exec(iso || '');
  const frac = m ? (m[1] + '000000').slice(3, 6) : '000';
  return Date.parse(iso) * 1000 + Number(frac);
}
export function truncate(t, n) { t = String(t === null || t === undefined ? '' : t); return t.length > n ? t.slice(0, n) + '…' : t; }
export function asText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(p => (p && typeof p === 'object' && 'text' in p) ? p.text : asText(p)).join('\n');
  return JSON.stringify(v, null, 2);
}
// Local date and time to the millisecond, year first so that lists spanning days (or years) read unambiguously.
export function stamp(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || '';
  const p = (n, w) => String(n).padStart(w || 2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes())
    + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
}
// Date and time to the minute, with the year: for lists where seconds are noise.
export function minute(iso) {
  const d = new Date(iso);
  return isNaN(d) ? (iso || '') : d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', hour12: false });
}
