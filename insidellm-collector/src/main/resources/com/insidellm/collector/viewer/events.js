// The event model: categories, errors, latency and a one-line summary of each event type.

import { h } from './dom.js';
import { asText } from './format.js';

export const EVENT_TYPES = ['user.input', 'user.feedback', 'agent.reasoning', 'agent.planning', 'agent.response',
  'llm.request', 'llm.response', 'llm.streaming_chunk', 'tool.call', 'tool.response', 'function_execution',
  'api.request', 'api.response', 'error', 'validation_error', 'timeout_error', 'run.start', 'run.end',
  'performance_metric', 'chain.start', 'chain.end', 'retrieval.start', 'retrieval.end', 'custom.event'];

export function category(type) {
  if (!type) return '';
  if (type === 'error' || type.endsWith('_error')) return 'error';
  if (type.startsWith('user.')) return 'user';
  if (type.startsWith('llm.')) return 'llm';
  if (type.startsWith('tool.') || type === 'function_execution' || type.startsWith('api.')) return 'tool';
  if (type.startsWith('agent.') || type.startsWith('chain.') || type.startsWith('retrieval.')) return 'agent';
  return 'run';
}
export function typeBadge(type) { return h('span', { class: 'type ' + category(type) }, type); }

export function isError(ev) {
  const p = ev.payload || {};
  return category(ev.event_type) === 'error' || p.success === false
    || (ev.event_type === 'api.response' && p.status_code >= 400)
    || (ev.event_type === 'llm.response' && p.finish_reason === 'error');
}

export function latency(ev) {
  const p = ev.payload || {};
  for (const k of ['response_time_ms', 'execution_time_ms', 'retrieval_time_ms', 'reasoning_time_ms', 'planning_time_ms', 'session_duration_ms']) {
    if (typeof p[k] === 'number') return p[k];
  }
  return null;
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
