// One run's conversation (#/run/{id}/conversation): the model calls with the diff between turns.

import { h, s, append } from './dom.js';
import { num, cost, dur, clock, micros, asText } from './format.js';
import { isError } from './events.js';
import { viaGateway } from './event-rows.js';

export function normalizeMessages(p) {
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
export function messageKey(m) {
  return JSON.stringify([m.role || 'user', asText(m.content), m.tool_call_id || null,
    (m.tool_calls || []).map(tc => { const fn = tc.function || tc; return [tc.id || null, fn.name, typeof fn.arguments === 'string' ? fn.arguments.replace(/\s+/g, '') : JSON.stringify(fn.arguments)]; })]);
}
export function sameMessage(a, b) { return messageKey(a) === messageKey(b); }

export function toolCallBlock(tc, isNew) {
  const fn = tc.function || tc;
  let args = fn.arguments;
  if (typeof args === 'string') { try { args = JSON.parse(args); } catch (e) { /* keep text */ } }
  return h('div', { class: 'msg tool-call' + (isNew ? ' new' : '') }, h('div', { class: 'block' },
    h('div', { class: 'block-title' }, 'Tool call · ' + (fn.name || 'unknown') + (tc.id ? '  (' + tc.id + ')' : '')),
    h('pre', null, typeof args === 'string' ? args : JSON.stringify(args, null, 2))));
}

export function messageView(m, isNew) {
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

export function conversation(events) {
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
    const via = viaGateway(req);
    if (via) facts.push(via);
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
