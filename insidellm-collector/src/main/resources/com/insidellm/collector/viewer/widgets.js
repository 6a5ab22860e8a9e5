// Small pieces shared by the pages: error box, cards, form fields.

import { h } from './dom.js';

export function errorBox(e) { return h('div', { class: 'error-box' }, 'Could not load: ' + (e && e.message ? e.message : e)); }

// A figure; tone true or 'bad' shows it in red, 'warn' in amber, 'good' in green.
export function card(label, value, tone) {
  const cls = tone === true ? 'bad' : (tone || '');
  return h('div', { class: 'panel card' + (cls ? ' ' + cls : '') }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

export function select(name, label, options, value) {
  return h('label', null, label, h('select', { name },
    options.map(o => {
      const [v, t] = Array.isArray(o) ? o : [o, o];
      const opt = h('option', { value: v }, t);
      if (v === value) opt.selected = true;
      return opt;
    })));
}

export function input(name, label, value, type, placeholder) {
  return h('label', null, label, h('input', { name, type: type || 'text', value: value || '', placeholder: placeholder || '' }));
}

export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const pad = n => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}
export function fromLocalInput(v) { if (!v) return ''; const d = new Date(v); return isNaN(d) ? '' : d.toISOString(); }

// Metadata conditions: the URL holds meta.<key>=<value>; the filter field shows them as "key=value, key=value".
export function metaText(params) {
  const parts = [];
  for (const [k, v] of params.entries()) if (k.startsWith('meta.') && v) parts.push(k.slice(5) + '=' + v);
  return parts.join(', ');
}
export function metaParams(text) {
  const out = {};
  for (const part of String(text || '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out['meta.' + part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

// A filter bar: fields laid out on a grid that wraps whole fields, buttons kept together at the end.
export function filterBar(id, fields, buttons) {
  return h('form', { class: 'panel filters', id }, fields, h('div', { class: 'filter-buttons' }, buttons));
}
