// Small pieces shared by the pages: error box, cards, form fields.

import { h } from './dom.js';

export function errorBox(e) { return h('div', { class: 'error-box' }, 'Could not load: ' + (e && e.message ? e.message : e)); }

export function card(label, value, bad) {
  return h('div', { class: 'panel card' + (bad ? ' bad' : '') }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
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
