// The event model: categories, errors, latency and a one-line summary of each event type.

import { h } from './dom.js';
import { asText } from './format.js';
import { api } from './api.js';

// The wire schema (event types, which field holds an event's latency, which events are errors) comes from the
// collector, which reads the SDK's own description: the viewer keeps no copy of those rules.
let schema = { event_types: [], error_rules: [] };
try {
  schema = await api('/api/v1/schema');
} catch (e) {
  console.warn('InsideLLM viewer: could not load the wire schema; event types and errors are not marked', e);
}
const TYPES = new Map(schema.event_types.map(t => [t.event_type, t]));

export const EVENT_TYPES = schema.event_types.map(t => t.event_type);

export function category(type) {
  if (!type) return '';
  if (TYPES.has(type) && TYPES.get(type).error) return 'error';
  if (type.startsWith('user.')) return 'user';
  if (type.startsWith('llm.')) return 'llm';
  if (type.startsWith('tool.') || type === 'function_execution' || type.startsWith('api.')) return 'tool';
  if (type.startsWith('agent.') || type.startsWith('chain.') || type.startsWith('retrieval.')) return 'agent';
  return 'run';
}
export function typeBadge(type) { return h('span', { class: 'type ' + category(type) }, type); }

function matches(rule, ev, p) {
  if (rule.event_type && rule.event_type !== ev.event_type) return false;
  const v = p[rule.field];
  if (v === undefined || v === null) return false;
  if ('equals' in rule && v !== rule.equals) return false;
  if ('at_least' in rule && !(typeof v === 'number' && v >= rule.at_least)) return false;
  return true;
}

export function isError(ev) {
  const t = TYPES.get(ev.event_type);
  const p = ev.payload || {};
  return Boolean(t && t.error) || schema.error_rules.some(rule => matches(rule, ev, p));
}

export function latency(ev) {
  const t = TYPES.get(ev.event_type);
  const p = ev.payload || {};
  const field = t && t.latency_field;
  return field && typeof p[field] === 'number' ? p[field] : null;
}

export function summarize(ev) {
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
