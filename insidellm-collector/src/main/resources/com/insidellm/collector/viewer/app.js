// InsideLLM collector viewer. Everything shown comes from model output and user input and is untrusted: it is only
// ever put on the page as text (textContent / text nodes), never parsed as HTML.
'use strict';

(function () {
  const app = document.getElementById('app');
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#4f46e5', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16', '#64748b'];
  const EVENT_TYPES = ['user.input', 'user.feedback', 'agent.reasoning', 'agent.planning', 'agent.response',
    'llm.request', 'llm.response', 'llm.streaming_chunk', 'tool.call', 'tool.response', 'function_execution',
    'api.request', 'api.response', 'error', 'validation_error', 'timeout_error', 'run.start', 'run.end',
    'performance_metric', 'chain.start', 'chain.end', 'retrieval.start', 'retrieval.end', 'custom.event'];
  let cleanup = null;

  // ------------------------------------------------------------------ DOM helpers (text only)

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    applyProps(el, props);
    append(el, children);
    return el;
  }

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    append(el, children);
    return el;
  }

  function applyProps(el, props) {
    if (!props) return;
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === 'data') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else el.setAttribute(k, String(v));
    }
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function mount(...children) { clear(app); append(app, children); }

  // ------------------------------------------------------------------ formatting

  const nf = new Intl.NumberFormat('en-US');
  function num(n) { return n === null || n === undefined ? '–' : nf.format(n); }
  function cost(c) {
    if (!c) return '$0';
    return c < 0.01 ? '$' + c.toFixed(5) : c < 10 ? '$' + c.toFixed(4) : '$' + c.toFixed(2);
  }
  function dur(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) return '';
    if (ms < 1) return ms.toFixed(2) + ' ms';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
    const m = Math.floor(ms / 60000);
    return m + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
  }
  function offset(ms) { return ms > 0 ? '+' + dur(ms) : '+0 ms'; }
  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function clock(iso) {
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }
  function shortId(id) { return id ? String(id).slice(0, 8) : ''; }
  function micros(iso) {
    // Date keeps milliseconds only; keep the microseconds for ordering and offsets.
    const m = /\.(\d+)/.exec(iso || '');
    const frac = m ? (m[1] + '000000').slice(3, 6) : '000';
    return Date.parse(iso) * 1000 + Number(frac);
  }
  function truncate(t, n) { t = String(t === null || t === undefined ? '' : t); return t.length > n ? t.slice(0, n) + '…' : t; }
  function asText(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(p => (p && typeof p === 'object' && 'text' in p) ? p.text : asText(p)).join('\n');
    return JSON.stringify(v, null, 2);
  }
  function category(type) {
    if (!type) return '';
    if (type === 'error' || type.endsWith('_error')) return 'error';
    if (type.startsWith('user.')) return 'user';
    if (type.startsWith('llm.')) return 'llm';
    if (type.startsWith('tool.') || type === 'function_execution' || type.startsWith('api.')) return 'tool';
    if (type.startsWith('agent.') || type.startsWith('chain.') || type.startsWith('retrieval.')) return 'agent';
    return 'run';
  }
  function typeBadge(type) { return h('span', { class: 'type ' + category(type) }, type); }

  function isError(ev) {
    const p = ev.payload || {};
    return category(ev.event_type) === 'error' || p.success === false
      || (ev.event_type === 'api.response' && p.status_code >= 400)
      || (ev.event_type === 'llm.response' && p.finish_reason === 'error');
  }

  function latency(ev) {
    const p = ev.payload || {};
    for (const k of ['response_time_ms', 'execution_time_ms', 'retrieval_time_ms', 'reasoning_time_ms', 'planning_time_ms', 'session_duration_ms']) {
      if (typeof p[k] === 'number') return p[k];
    }
    return null;
  }

  function summarize(ev) {
    const p = ev.payload || {};
    switch (ev.event_type) {
      case 'user.input': return p.input_text;
      case 'user.feedback': return p.feedback_type + ': ' + asText(p.feedback_value) + (p.feedback_text ? ' — ' + p.feedback_text : '');
      case 'agent.response': return p.response_text;
      case 'agent.reasoning': return (p.reasoning_steps || []).join(' → ');
      case 'agent.planning': return p.plan_type + ': ' + (p.planned_actions || []).length + ' actions';
      case 'llm.request': {
        const msgs = Array.isArray(p.messages) ? p.messages : [];
        const last = msgs.length ? msgs[msgs.length - 1] : null;
        return p.model_name + ' · ' + (last ? (last.role + ': ' + asText(last.content)) : asText(p.prompt));
      }
      case 'llm.response': {
        const calls = p.response_message && p.response_message.tool_calls;
        const tail = calls && calls.length ? ' [calls ' + calls.map(c => (c.function || c).name).join(', ') + ']' : '';
        return p.model_name + ' · ' + asText(p.response_text) + tail;
      }
      case 'llm.streaming_chunk': return '#' + p.chunk_index + ' ' + p.chunk_text;
      case 'tool.call': return p.tool_name + '(' + JSON.stringify(p.parameters) + ')';
      case 'tool.response': return p.tool_name + ' → ' + (p.success === false ? 'failed: ' + (p.error_message || '') : asText(p.response_data));
      case 'function_execution': return p.function_name + ' → ' + asText(p.return_value);
      case 'api.request': return p.method + ' ' + p.endpoint;
      case 'api.response': return p.status_code + ' ' + p.endpoint;
      case 'error': case 'validation_error': case 'timeout_error':
        return (p.error_type || p.validation_target || p.timeout_type) + ': ' + (p.error_message || asText(p.failed_rules) || (p.timeout_duration_ms + ' ms'));
      case 'run.start': return 'run started' + (p.session_type ? ' (' + p.session_type + ')' : '');
      case 'run.end': return 'run ended' + (p.exit_reason ? ': ' + p.exit_reason : '');
      case 'performance_metric': return p.metric_name + ' = ' + p.metric_value + (p.metric_unit ? ' ' + p.metric_unit : '');
      case 'chain.start': case 'chain.end': return p.chain_name;
      case 'retrieval.start': return p.query;
      case 'retrieval.end': return p.query + ' → ' + (p.documents || []).length + ' documents';
      case 'custom.event': return p.name;
      default: return '';
    }
  }

  // ------------------------------------------------------------------ data access

  async function api(path) {
    const res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw new Error((body && body.error) || ('HTTP ' + res.status));
    return body;
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
    const str = q.toString();
    return str ? '?' + str : '';
  }

  function errorBox(e) { return h('div', { class: 'error-box' }, 'Could not load: ' + (e && e.message ? e.message : e)); }

  function card(label, value, bad) {
    return h('div', { class: 'panel card' + (bad ? ' bad' : '') }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
  }

  function select(name, label, options, value) {
    return h('label', null, label, h('select', { name },
      options.map(o => {
        const [v, t] = Array.isArray(o) ? o : [o, o];
        const opt = h('option', { value: v }, t);
        if (v === value) opt.selected = true;
        return opt;
      })));
  }

  function input(name, label, value, type, placeholder) {
    return h('label', null, label, h('input', { name, type: type || 'text', value: value || '', placeholder: placeholder || '' }));
  }

  function toLocalInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const pad = n => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function fromLocalInput(v) { if (!v) return ''; const d = new Date(v); return isNaN(d) ? '' : d.toISOString(); }

  // ------------------------------------------------------------------ runs list

  async function runsPage(params) {
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

  // ------------------------------------------------------------------ run page

  async function runPage(runId, tab) {
    const root = h('div', { id: 'run-page' });
    mount(root);
    let data;
    try { data = await api('/api/v1/runs/' + encodeURIComponent(runId)); } catch (e) { root.appendChild(errorBox(e)); return; }
    const run = data.run;
    const events = data.events.map(x => x.event);
    root.appendChild(h('div', null, h('a', { href: '#/runs' }, '‹ All runs')));
    root.appendChild(h('div', { class: 'run-head' }, h('h1', null, 'Run ', h('span', { class: 'mono' }, run.run_id)),
      h('span', { class: 'meta' }, run.user_id + ' · ' + time(run.start)),
      run.ended ? h('span', { class: 'pill ok' }, 'ended') : h('span', { class: 'pill open' }, 'open')));
    root.appendChild(h('div', { class: 'cards' }, card('Duration', dur(run.duration_ms)), card('Events', num(run.event_count)),
      card('LLM calls', num(run.llm_calls)), card('Tokens', num(run.tokens)), card('Cost', cost(run.cost)),
      card('Errors', num(run.errors), run.errors > 0)));
    const base = '#/run/' + encodeURIComponent(run.run_id);
    root.appendChild(h('div', { class: 'tabs' },
      h('a', { href: base, class: tab === 'conversation' ? '' : 'active', id: 'tab-timeline' }, 'Timeline'),
      h('a', { href: base + '/conversation', class: tab === 'conversation' ? 'active' : '', id: 'tab-conversation' }, 'Conversation')));
    root.appendChild(tab === 'conversation' ? conversation(events) : timeline(events, run));
  }

  function timeline(events, run) {
    const start = micros(run.start);
    const byId = new Map(events.map(e => [e.event_id, e]));
    const children = new Map();
    const roots = [];
    for (const e of events) {
      const parent = e.parent_event_id && byId.has(e.parent_event_id) && e.parent_event_id !== e.event_id ? e.parent_event_id : null;
      if (parent) {
        if (!children.has(parent)) children.set(parent, []);
        children.get(parent).push(e);
      } else roots.push(e);
    }
    const seen = new Set();
    function node(e) {
      if (seen.has(e.event_id)) return null; // a parent cycle must not loop forever
      seen.add(e.event_id);
      const ms = latency(e);
      const details = h('pre', { class: 'json', hidden: true }, JSON.stringify(e, null, 2));
      const row = h('div', { class: 'node-row', title: 'Show the raw event' },
        h('span', { class: 'offset' }, offset((micros(e.timestamp) - start) / 1000)),
        typeBadge(e.event_type),
        h('span', { class: 'summary' }, truncate(summarize(e), 220)),
        h('span', { class: 'dur' + (ms > 5000 ? ' slow' : '') }, ms !== null ? dur(ms) : ''));
      row.addEventListener('click', () => { details.hidden = !details.hidden; });
      const kids = (children.get(e.event_id) || []).map(node).filter(Boolean);
      return h('li', { class: 'node' + (isError(e) ? ' error' : ''), data: { eventId: e.event_id, type: e.event_type } },
        row, details, kids.length ? h('ul', null, kids) : null);
    }
    const list = h('ul', { class: 'tree', id: 'timeline' }, roots.map(node));
    return h('div', { class: 'panel pad' }, events.length ? list : h('div', { class: 'empty' }, 'No events.'));
  }

  // ---- conversation view with the diff between turns

  function normalizeMessages(p) {
    if (Array.isArray(p.messages) && p.messages.length) {
      return p.messages.map(m => (m && typeof m === 'object') ? m : { role: 'user', content: asText(m) });
    }
    const out = [];
    if (p.system_message) out.push({ role: 'system', content: p.system_message });
    if (p.prompt) out.push({ role: 'user', content: p.prompt });
    return out;
  }

  // Compares what a reader sees, so a response logged as {content: null, tool_calls} matches the same message
  // echoed back in the next call's history with extra or reordered keys.
  function messageKey(m) {
    return JSON.stringify([m.role || 'user', asText(m.content), m.tool_call_id || null,
      (m.tool_calls || []).map(tc => { const fn = tc.function || tc; return [tc.id || null, fn.name, typeof fn.arguments === 'string' ? fn.arguments.replace(/\s+/g, '') : JSON.stringify(fn.arguments)]; })]);
  }
  function sameMessage(a, b) { return messageKey(a) === messageKey(b); }

  function toolCallBlock(tc, isNew) {
    const fn = tc.function || tc;
    let args = fn.arguments;
    if (typeof args === 'string') { try { args = JSON.parse(args); } catch (e) { /* keep text */ } }
    return h('div', { class: 'msg tool-call' + (isNew ? ' new' : '') }, h('div', { class: 'block' },
      h('div', { class: 'block-title' }, 'Tool call · ' + (fn.name || 'unknown') + (tc.id ? '  (' + tc.id + ')' : '')),
      h('pre', null, typeof args === 'string' ? args : JSON.stringify(args, null, 2))));
  }

  function messageView(m, isNew) {
    const role = m.role || 'user';
    if (role === 'tool' || role === 'function') {
      return h('div', { class: 'msg tool-result' + (isNew ? ' new' : '') }, h('div', { class: 'block result' },
        h('div', { class: 'block-title' }, 'Tool result' + (m.name ? ' · ' + m.name : '') + (m.tool_call_id ? '  (' + m.tool_call_id + ')' : '')),
        h('pre', null, asText(m.content))));
    }
    const parts = [];
    const text = asText(m.content);
    if (text) {
      parts.push(h('div', { class: 'msg bubble-row ' + (role === 'user' ? 'user' : 'assistant') + (isNew ? ' new' : '') },
        h('div', { class: 'bubble' }, h('span', { class: 'who' }, role), text)));
    }
    for (const tc of (m.tool_calls || [])) parts.push(toolCallBlock(tc, isNew));
    if (!parts.length) parts.push(h('div', { class: 'msg bubble-row assistant' + (isNew ? ' new' : '') }, h('div', { class: 'bubble muted' }, h('span', { class: 'who' }, role), '(empty)')));
    return parts;
  }

  function conversation(events) {
    const requests = events.filter(e => e.event_type === 'llm.request');
    const responses = events.filter(e => e.event_type === 'llm.response');
    const wrap = h('div', { id: 'conversation' });
    if (!requests.length && !responses.length) {
      wrap.appendChild(h('div', { class: 'panel empty' }, 'This run has no LLM calls.'));
      return wrap;
    }
    const used = new Set();
    function responseFor(req, nextReq) {
      let r = responses.find(x => x.parent_event_id === req.event_id && !used.has(x.event_id));
      if (!r) {
        const from = micros(req.timestamp);
        const to = nextReq ? micros(nextReq.timestamp) : Infinity;
        r = responses.find(x => !used.has(x.event_id) && !x.parent_event_id && micros(x.timestamp) >= from && micros(x.timestamp) <= to);
      }
      if (r) used.add(r.event_id);
      return r;
    }
    let prev = null;
    requests.forEach((req, i) => {
      const p = req.payload || {};
      const resp = responseFor(req, requests[i + 1]);
      const rp = resp ? resp.payload || {} : null;
      const all = normalizeMessages(p);
      const system = all.filter(m => m.role === 'system').map(m => asText(m.content)).join('\n\n') || p.system_message || '';
      const msgs = all.filter(m => m.role !== 'system');
      let common = 0;
      const before = prev ? prev.withResponse : [];
      while (common < before.length && common < msgs.length && sameMessage(before[common], msgs[common])) common++;
      const facts = [h('span', { class: 'pill' }, p.provider + ' / ' + p.model_name)];
      if (p.call_type) facts.push(h('span', { class: 'pill' }, p.call_type));
      if (rp) {
        if (rp.response_time_ms !== undefined && rp.response_time_ms !== null) facts.push(h('span', { class: 'pill' }, dur(rp.response_time_ms)));
        if (rp.usage) facts.push(h('span', { class: 'pill' }, num(rp.usage.prompt_tokens) + ' in / ' + num(rp.usage.completion_tokens) + ' out'));
        if (rp.cost) facts.push(h('span', { class: 'pill' }, cost(rp.cost)));
        if (isError(resp)) facts.push(h('span', { class: 'pill err' }, 'error'));
      } else facts.push(h('span', { class: 'pill open' }, 'no response'));

      const body = h('div', { class: 'call-body' });
      if (system) {
        const changed = prev && prev.system !== undefined && prev.system !== system;
        body.appendChild(h('details', { class: 'system', open: i === 0 || changed ? '' : null },
          h('summary', null, 'System prompt' + (changed ? ' (changed since the previous call)' : '')),
          h('div', { class: 'content' }, system)));
      }
      if (prev && common > 0) {
        const earlier = h('div', { class: 'earlier-messages', hidden: true }, msgs.slice(0, common).map(m => messageView(m, false)));
        const btn = h('button', { type: 'button' }, '⋯ ' + common + ' earlier message' + (common === 1 ? '' : 's') + ' unchanged from call ' + i + ' — show');
        btn.addEventListener('click', () => { earlier.hidden = !earlier.hidden; btn.textContent = earlier.hidden ? '⋯ ' + common + ' earlier messages — show' : 'hide earlier messages'; });
        body.appendChild(h('div', { class: 'earlier' }, btn));
        body.appendChild(earlier);
      }
      if (prev && common < prev.length) {
        body.appendChild(h('div', { class: 'diff-note' }, 'History rewritten: ' + (prev.length - common) + ' message(s) of the previous call are not in this one (trimmed or edited).'));
      }
      for (const m of msgs.slice(common)) append(body, [messageView(m, prev !== null)]);
      if (rp) {
        const rm = rp.response_message || { role: 'assistant', content: rp.response_text };
        const text = asText(rm.content !== undefined && rm.content !== null ? rm.content : rp.response_text);
        if (text) body.appendChild(h('div', { class: 'msg bubble-row response' }, h('div', { class: 'bubble' }, h('span', { class: 'who' }, 'response · ' + (rp.finish_reason || '')), text)));
        for (const tc of (rm.tool_calls || [])) body.appendChild(toolCallBlock(tc, false));
      }
      // What the assistant said becomes part of the next call's history, so it does not count as new there.
      const history = msgs.slice();
      if (rp) history.push(rp.response_message || { role: 'assistant', content: rp.response_text });
      prev = msgs;
      prev.system = system;
      prev.withResponse = history;
      wrap.appendChild(h('div', { class: 'panel call', data: { eventId: req.event_id } },
        h('div', { class: 'call-head' }, h('span', { class: 'title' }, 'Call ' + (i + 1)), h('span', { class: 'muted' }, clock(req.timestamp)),
          h('span', { class: 'facts' }, facts)),
        body));
    });
    return wrap;
  }

  // ------------------------------------------------------------------ event rows (live and search)

  function eventRow(ev, fresh) {
    return h('tr', { class: (isError(ev) ? 'has-error' : '') + (fresh ? ' fresh' : ''), data: { eventId: ev.event_id } },
      h('td', { class: 'mono' }, clock(ev.timestamp)), h('td', null, typeBadge(ev.event_type)), h('td', null, ev.user_id),
      h('td', null, h('a', { href: '#/run/' + encodeURIComponent(ev.run_id), class: 'mono' }, shortId(ev.run_id))),
      h('td', { class: 'summary-cell', title: truncate(summarize(ev), 2000) }, truncate(summarize(ev), 200)),
      h('td', { class: 'num mono' }, dur(latency(ev))));
  }

  function eventTable(tbody) {
    return h('table', null, h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Type'),
      h('th', null, 'User'), h('th', null, 'Run'), h('th', null, 'Content'), h('th', { class: 'num' }, 'Duration'))), tbody);
  }

  // ------------------------------------------------------------------ event search

  async function eventsPage(params) {
    const keys = ['q', 'type', 'status', 'model', 'provider', 'user', 'run', 'from', 'to'];
    const filters = {};
    for (const k of keys) filters[k] = params.get(k) || '';
    const before = params.get('before') || '';
    const root = h('div', { id: 'events-page' }, h('h1', null, 'Events'));
    mount(root);
    let facets = { users: [], models: [] };
    try { facets = await api('/api/v1/facets'); } catch (e) { /* filters still work as free text */ }
    const form = h('form', { class: 'panel filters', id: 'event-filters' },
      input('q', 'Text in content', filters.q, 'search', 'words from prompts, answers, tool results…'),
      select('type', 'Event type', [['', 'All types']].concat(EVENT_TYPES), filters.type),
      select('status', 'Status', [['', 'Any'], ['error', 'Errors'], ['ok', 'Not errors']], filters.status),
      select('model', 'Model', [['', 'All models']].concat(facets.models), filters.model),
      select('user', 'User', [['', 'All users']].concat(facets.users), filters.user),
      input('from', 'From', toLocalInput(filters.from), 'datetime-local'),
      input('to', 'To', toLocalInput(filters.to), 'datetime-local'),
      h('button', { class: 'primary', type: 'submit' }, 'Search'));
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const fd = new FormData(form);
      // run and provider have no field here; they come from links and stay as they are.
      location.hash = '#/events' + query(Object.assign({}, filters, {
        q: fd.get('q'), type: fd.get('type'), status: fd.get('status'), model: fd.get('model'), user: fd.get('user'),
        from: fromLocalInput(fd.get('from')), to: fromLocalInput(fd.get('to'))
      }));
    });
    root.appendChild(form);
    const panel = h('div', { class: 'panel' });
    root.appendChild(panel);
    let page;
    try { page = await api('/api/v1/events' + query(Object.assign({}, filters, { limit: 100, before }))); } catch (e) { panel.appendChild(errorBox(e)); return; }
    if (!page.events.length) { panel.appendChild(h('div', { class: 'empty' }, 'No events match.')); return; }
    const tbody = h('tbody', { id: 'event-results' }, page.events.map(x => eventRow(x.event, false)));
    panel.appendChild(eventTable(tbody));
    const pager = h('div', { class: 'pager' }, h('span', { class: 'muted' }, page.events.length + ' events, newest first'));
    if (before) pager.appendChild(h('button', { type: 'button', on: { click: () => { location.hash = '#/events' + query(filters); } } }, '« Newest'));
    if (page.next_before) pager.appendChild(h('button', { type: 'button', on: { click: () => { location.hash = '#/events' + query(Object.assign({}, filters, { before: page.next_before })); } } }, 'Older ›'));
    panel.appendChild(pager);
  }

  // ------------------------------------------------------------------ live tail

  function livePage(params) {
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

  // ------------------------------------------------------------------ analytics

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }
  function shortNum(v) {
    if (v >= 1e6) return (v / 1e6).toFixed(v >= 1e7 ? 0 : 1) + 'M';
    if (v >= 1e3) return (v / 1e3).toFixed(v >= 1e4 ? 0 : 1) + 'k';
    return String(Math.round(v * 1000) / 1000);
  }
  function bucketLabel(iso, seconds) {
    const d = new Date(iso);
    if (seconds >= 86400) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
    if (seconds >= 60) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
    return d.toLocaleTimeString(undefined, { hour12: false });
  }

  const W = 560, H = 220, L = 48, R = 12, T = 12, B = 28;

  function axes(g, max, buckets, seconds, fmt) {
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

  function stackedBars(title, ts, field, colors, fmt) {
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

  function lines(title, ts, series, fmt, fixedMax) {
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

  function chartPanel(title, svg, legend) {
    return h('div', { class: 'panel chart' }, h('h2', null, title), svg,
      h('div', { class: 'legend' }, legend.map(([name, color]) => {
        const sw = h('span', { class: 'sw' });
        sw.style.background = color; // CSSOM, allowed by the style-src policy
        return h('span', null, sw, name);
      })));
  }

  async function analyticsPage(params) {
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

  // ------------------------------------------------------------------ router

  function route() {
    if (cleanup) { cleanup(); cleanup = null; }
    const hash = location.hash || '#/runs';
    const [path, qs] = hash.slice(1).split('?');
    const params = new URLSearchParams(qs || '');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const section = parts[0] || 'runs';
    document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', a.dataset.nav === section || (section === 'run' && a.dataset.nav === 'runs')));
    let result;
    if (section === 'run' && parts[1]) result = runPage(parts[1], parts[2]);
    else if (section === 'live') result = livePage(params);
    else if (section === 'events') result = eventsPage(params);
    else if (section === 'analytics') result = analyticsPage(params);
    else result = runsPage(params);
    if (typeof result === 'function') cleanup = result;
    document.title = 'InsideLLM · ' + section.charAt(0).toUpperCase() + section.slice(1);
  }

  window.addEventListener('hashchange', route);
  route();
})();
