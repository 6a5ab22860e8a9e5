// One run's conversation (#/run/{id}/conversation): the model calls with the diff between turns.

import { h, append } from './dom.js';
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

// The LLM calls of a run with their requests, responses and system prompts, in time order.
function calls(events) {
  const requests = events.filter(e => e.event_type === 'llm.request');
  const responses = events.filter(e => e.event_type === 'llm.response');
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
  return requests.map((req, i) => {
    const p = req.payload || {};
    const resp = responseFor(req, requests[i + 1]);
    const rp = resp ? resp.payload || {} : null;
    const all = normalizeMessages(p);
    const system = all.filter(m => m.role === 'system').map(m => asText(m.content)).join('\n\n') || p.system_message || '';
    const msgs = all.filter(m => m.role !== 'system');
    // What the assistant said becomes part of the next call's history, so it does not count as new there.
    const history = msgs.slice();
    if (rp) history.push(rp.response_message || { role: 'assistant', content: rp.response_text });
    // Keys computed once: a long run compares each call with many others.
    const msgKeys = msgs.map(messageKey);
    const historyKeys = msgKeys.slice();
    if (rp) historyKeys.push(messageKey(history[history.length - 1]));
    return { req, p, resp, rp, system, msgs, history, msgKeys, historyKeys };
  });
}

function commonPrefix(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

// Groups calls into conversations by message lineage: a call continues the conversation whose last call's history
// (with its response) it extends, or — same system prompt — whose messages it shares a beginning with (a trimmed or
// edited history). Otherwise it starts a conversation: a planner, a title generator and an assistant in one run are
// three conversations, each diffed against its own previous turn.
export function groupConversations(list) {
  const conversations = [];
  // Only conversations that open with the same message can share a beginning with a call: indexed by that message.
  const byFirst = new Map();
  for (const call of list) {
    let best = null;
    let bestScore = 0;
    const first = call.msgKeys.length ? call.msgKeys[0] : null;
    for (const conv of (first !== null && byFirst.get(first)) || []) {
      const last = conv[conv.length - 1];
      const common = commonPrefix(last.historyKeys, call.msgKeys);
      const extends_ = common > 0 && common === last.history.length;
      const score = extends_ ? 2 * common + 1 : (last.system === call.system && common > 0 ? 2 * common : 0);
      if (score > bestScore) { best = conv; bestScore = score; }
    }
    if (best) best.push(call);
    else {
      const conv = [call];
      conversations.push(conv);
      if (first !== null) {
        if (!byFirst.has(first)) byFirst.set(first, []);
        byFirst.get(first).push(conv);
      }
    }
  }
  return conversations;
}

function facts(c) {
  const { req, p, rp, resp } = c;
  const out = [h('span', { class: 'pill' }, p.provider + ' / ' + p.model_name)];
  const via = viaGateway(req);
  if (via) out.push(via);
  if (p.call_type) out.push(h('span', { class: 'pill' }, p.call_type));
  if (rp) {
    if (rp.response_time_ms !== undefined && rp.response_time_ms !== null) out.push(h('span', { class: 'pill', title: 'response time' }, dur(rp.response_time_ms)));
    if (typeof rp.time_to_first_token_ms === 'number') out.push(h('span', { class: 'pill ttft', title: 'time to first token' }, 'TTFT ' + dur(rp.time_to_first_token_ms)));
    if (rp.usage) out.push(h('span', { class: 'pill' }, num(rp.usage.prompt_tokens) + ' in / ' + num(rp.usage.completion_tokens) + ' out'));
    if (rp.cost) out.push(h('span', { class: 'pill' }, cost(rp.cost)));
    if (rp.finish_reason) out.push(h('span', { class: 'pill finish', title: 'finish reason' }, 'finish: ' + rp.finish_reason));
    if (isError(resp)) out.push(h('span', { class: 'pill err' }, 'error'));
  } else out.push(h('span', { class: 'pill open' }, 'no response'));
  return out;
}

// What the model was offered and how it was asked: tools (with descriptions), tool choice, parameters.
function requestSettings(p) {
  const parts = [];
  const tools = Array.isArray(p.tools) ? p.tools : [];
  if (tools.length) {
    const names = tools.map(t => { const fn = t.function || t; return fn.name || 'unnamed'; });
    parts.push(h('details', { class: 'offered tools-offered' },
      h('summary', null, 'Tools offered (' + tools.length + '): ' + names.join(', ') + (p.tool_choice ? ' · choice: ' + asText(p.tool_choice) : '')),
      h('ul', null, tools.map(t => {
        const fn = t.function || t;
        return h('li', null, h('b', null, fn.name || 'unnamed'), fn.description ? ' — ' + fn.description : '',
          fn.parameters ? h('pre', null, JSON.stringify(fn.parameters, null, 2)) : null);
      }))));
  }
  const params = p.parameters && typeof p.parameters === 'object' ? Object.entries(p.parameters).filter(([, v]) => v !== null && v !== undefined) : [];
  if (params.length) {
    parts.push(h('div', { class: 'offered parameters' }, h('span', { class: 'muted' }, 'Parameters '),
      params.map(([k, v]) => h('span', { class: 'pill param' }, k + ' = ' + (typeof v === 'object' ? JSON.stringify(v) : String(v))))));
  }
  return parts;
}

function responseView(rp) {
  const rm = rp.response_message || { role: 'assistant', content: rp.response_text };
  const text = asText(rm.content !== undefined && rm.content !== null ? rm.content : rp.response_text);
  const toolCalls = rm.tool_calls || [];
  const label = 'Model response' + (toolCalls.length ? ' · tool call' + (toolCalls.length > 1 ? 's' : '') : '') + (rp.finish_reason ? ' · ' + rp.finish_reason : '');
  const box = h('div', { class: 'response-box' }, h('div', { class: 'response-label' }, label));
  if (text) box.appendChild(h('div', { class: 'msg bubble-row response' }, h('div', { class: 'bubble' }, h('span', { class: 'who' }, 'assistant'), text)));
  for (const tc of toolCalls) box.appendChild(toolCallBlock(tc, false));
  if (!text && !toolCalls.length) box.appendChild(h('div', { class: 'muted' }, '(empty)'));
  return box;
}

function callView(c, n, prev) {
  const { req, p, rp, system, msgs } = c;
  const common = prev ? commonPrefix(prev.historyKeys, c.msgKeys) : 0;
  const body = h('div', { class: 'call-body' });
  if (system) {
    const changed = prev && prev.system !== system;
    body.appendChild(h('details', { class: 'system', open: !prev || changed ? '' : null },
      h('summary', null, 'System prompt' + (changed ? ' (changed since the previous call)' : '')),
      h('div', { class: 'content' }, system)));
  }
  append(body, requestSettings(p));
  if (prev && common > 0) {
    const earlier = h('div', { class: 'earlier-messages', hidden: true }, msgs.slice(0, common).map(m => messageView(m, false)));
    const btn = h('button', { type: 'button' }, '⋯ ' + common + ' earlier message' + (common === 1 ? '' : 's') + ' unchanged from call ' + (n - 1) + ' — show');
    btn.addEventListener('click', () => { earlier.hidden = !earlier.hidden; btn.textContent = earlier.hidden ? '⋯ ' + common + ' earlier messages — show' : 'hide earlier messages'; });
    body.appendChild(h('div', { class: 'earlier' }, btn));
    body.appendChild(earlier);
  }
  if (prev && common < prev.history.length) {
    body.appendChild(h('div', { class: 'diff-note' }, 'History rewritten: ' + (prev.history.length - common) + ' message(s) of the previous call are not in this one (trimmed or edited).'));
  }
  for (const m of msgs.slice(common)) append(body, [messageView(m, prev !== null)]);
  if (rp) body.appendChild(responseView(rp));
  return h('div', { class: 'panel call', data: { eventId: req.event_id } },
    h('div', { class: 'call-head' }, h('span', { class: 'title' }, 'Call ' + n), h('span', { class: 'muted' }, clock(req.timestamp)),
      h('span', { class: 'facts' }, facts(c))),
    body);
}

export function conversation(events) {
  const wrap = h('div', { id: 'conversation' });
  const list = calls(events);
  if (!list.length) {
    wrap.appendChild(h('div', { class: 'panel empty' }, 'This run has no LLM calls.'));
    return wrap;
  }
  const conversations = groupConversations(list);
  if (conversations.length > 1) {
    wrap.appendChild(h('div', { class: 'conv-index' }, 'This run holds ' + conversations.length + ' conversations: ',
      conversations.map((conv, i) => h('a', { href: '#', on: { click: ev => { ev.preventDefault(); document.getElementById('conversation-' + (i + 1)).scrollIntoView(); } } },
        (i + 1) + '. ' + conversationTitle(conv)))));
  }
  // The first calls at once, the rest in slices after the first paint: a run of thousands of calls shows at once.
  const jobs = [];
  conversations.forEach((conv, i) => {
    const section = h('section', { class: 'conversation', id: 'conversation-' + (i + 1) },
      conversations.length > 1 ? h('h2', null, 'Conversation ' + (i + 1) + ' · ' + conversationTitle(conv) + ' · ' + conv.length + ' call' + (conv.length === 1 ? '' : 's')) : null);
    wrap.appendChild(section);
    conv.forEach((c, k) => jobs.push(() => section.appendChild(callView(c, k + 1, k ? conv[k - 1] : null))));
  });
  let done = 0;
  function run(n) {
    const end = Math.min(jobs.length, done + n);
    for (; done < end; done++) jobs[done]();
    if (done < jobs.length) setTimeout(() => run(200), 0);
    else wrap.dataset.complete = 'true';
  }
  run(30);
  return wrap;
}

function conversationTitle(conv) {
  const c = conv[0];
  const label = c.p.call_type && c.p.call_type !== 'chat' ? c.p.call_type : (c.system ? c.system : asText((c.msgs[0] || {}).content));
  return String(label || 'untitled').split('\n')[0].slice(0, 60);
}
