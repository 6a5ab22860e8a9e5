package com.insidellm.opentelemetry;

import static com.insidellm.opentelemetry.GenAiMapping.AGENT_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.CARRIER;
import static com.insidellm.opentelemetry.GenAiMapping.CONVERSATION_ID;
import static com.insidellm.opentelemetry.GenAiMapping.DATA_SOURCE_ID;
import static com.insidellm.opentelemetry.GenAiMapping.ERROR_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.EXIT_REASON;
import static com.insidellm.opentelemetry.GenAiMapping.HTTP_METHOD;
import static com.insidellm.opentelemetry.GenAiMapping.HTTP_STATUS;
import static com.insidellm.opentelemetry.GenAiMapping.LF_LEVEL;
import static com.insidellm.opentelemetry.GenAiMapping.LF_SESSION_ID;
import static com.insidellm.opentelemetry.GenAiMapping.LF_STATUS_MESSAGE;
import static com.insidellm.opentelemetry.GenAiMapping.LF_TRACE_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.LF_USER_ID;
import static com.insidellm.opentelemetry.GenAiMapping.OI_SESSION_ID;
import static com.insidellm.opentelemetry.GenAiMapping.OI_TOOL_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.OPERATION_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.OP_EXECUTE_TOOL;
import static com.insidellm.opentelemetry.GenAiMapping.OP_INVOKE_AGENT;
import static com.insidellm.opentelemetry.GenAiMapping.OP_RETRIEVAL;
import static com.insidellm.opentelemetry.GenAiMapping.RETRIEVAL_DOCUMENTS;
import static com.insidellm.opentelemetry.GenAiMapping.RETRIEVAL_QUERY_TEXT;
import static com.insidellm.opentelemetry.GenAiMapping.TOOL_CALL_ARGUMENTS;
import static com.insidellm.opentelemetry.GenAiMapping.TOOL_CALL_ID;
import static com.insidellm.opentelemetry.GenAiMapping.TOOL_CALL_RESULT;
import static com.insidellm.opentelemetry.GenAiMapping.TOOL_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.TOOL_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.URL_FULL;
import static com.insidellm.opentelemetry.GenAiMapping.USER_ID;
import static com.insidellm.opentelemetry.GenAiMapping.runSpanName;
import static com.insidellm.opentelemetry.GenAiMapping.startOf;
import static com.insidellm.opentelemetry.GenAiMapping.str;

import com.insidellm.Event;
import com.insidellm.EventType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The span attributes of each event that opens or ends a span (run, tool, function, agent, retrieval, API call; model
 * calls through {@link GenAiLlmAttributes}), and the error status. Immutable and thread-safe.
 */
final class GenAiSpanAttributes {

    private final Dialect dialect;
    private final GenAiContent content;
    private final GenAiLlmAttributes llm;

    GenAiSpanAttributes(Dialect dialect, GenAiContent content) {
        this.dialect = dialect;
        this.content = content;
        this.llm = new GenAiLlmAttributes(dialect, content);
    }

    /** Attributes every span of a run carries. */
    void common(Span span, Event event) {
        span.setAttribute(CONVERSATION_ID, event.runId());
        span.setAttribute(USER_ID, event.userId());
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_SESSION_ID, event.runId());
            span.setAttribute(LF_USER_ID, event.userId());
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_SESSION_ID, event.runId());
        }
    }

    void runStart(Span root, Event event) {
        common(root, event);
        root.setAttribute(OPERATION_NAME, OP_INVOKE_AGENT);
        if (event.payload().get("session_type") instanceof String type) {
            root.setAttribute(AGENT_NAME, type);
        }
        Map<String, Object> metadata = event.metadata();
        if (metadata != null) {
            for (Map.Entry<String, Object> e : metadata.entrySet()) {
                String key = "insidellm.metadata." + e.getKey();
                Object v = e.getValue();
                if (v instanceof Boolean b) {
                    root.setAttribute(AttributeKey.booleanKey(key), b);
                } else if (v instanceof Long || v instanceof Integer) {
                    root.setAttribute(AttributeKey.longKey(key), ((Number) v).longValue());
                } else if (v instanceof Number n) {
                    root.setAttribute(AttributeKey.doubleKey(key), n.doubleValue());
                } else {
                    root.setAttribute(AttributeKey.stringKey(key), String.valueOf(v));
                }
            }
        }
        content.kind(root, "agent", "AGENT");
        if (dialect == Dialect.LANGFUSE) {
            root.setAttribute(LF_TRACE_NAME, runSpanName(event));
        }
    }

    void runEnd(Span root, Event event) {
        Object reason = event.payload().get("exit_reason");
        if (reason instanceof String r) {
            root.setAttribute(EXIT_REASON, r);
            if (r.equalsIgnoreCase("error") || r.equalsIgnoreCase("failed")) {
                error(root, "run_error", null);
            }
        }
    }

    /** Attributes of a span from the event that opens it (or, for a span known only from its end, from the end). */
    void start(Span span, Event event) {
        common(span, event);
        Map<String, @Nullable Object> p = event.payload();
        switch (event.type()) {
            case LLM_REQUEST -> llm.request(span, p);
            case TOOL_CALL -> {
                tool(span, p);
                if (content.captured()) {
                    String args = content.toJson(p.get("parameters"));
                    span.setAttribute(TOOL_CALL_ARGUMENTS, args);
                    content.input(span, args);
                }
            }
            case FUNCTION_EXECUTION -> {
                span.setAttribute(OPERATION_NAME, OP_EXECUTE_TOOL);
                span.setAttribute(TOOL_NAME, str(p, "function_name"));
                span.setAttribute(TOOL_TYPE, "function");
                content.kind(span, "tool", "TOOL");
                if (dialect == Dialect.OPENINFERENCE) {
                    span.setAttribute(OI_TOOL_NAME, str(p, "function_name"));
                }
                if (content.captured()) {
                    String args = content.toJson(p.get("function_args"));
                    span.setAttribute(TOOL_CALL_ARGUMENTS, args);
                    content.input(span, args);
                    String result = content.toJson(p.get("return_value"));
                    span.setAttribute(TOOL_CALL_RESULT, result);
                    content.output(span, result);
                }
            }
            case CHAIN_START -> {
                span.setAttribute(OPERATION_NAME, OP_INVOKE_AGENT);
                span.setAttribute(AGENT_NAME, str(p, "chain_name"));
                content.kind(span, "agent", "AGENT");
                if (content.captured() && p.get("inputs") != null) {
                    content.input(span, content.toJson(p.get("inputs")));
                }
            }
            case RETRIEVAL_START -> {
                span.setAttribute(OPERATION_NAME, OP_RETRIEVAL);
                if (p.get("retriever_name") instanceof String r) {
                    span.setAttribute(DATA_SOURCE_ID, r);
                }
                content.kind(span, "retriever", "RETRIEVER");
                if (content.captured() && p.get("query") instanceof String q) {
                    span.setAttribute(RETRIEVAL_QUERY_TEXT, q);
                    content.input(span, q);
                }
            }
            case API_REQUEST -> {
                span.setAttribute(HTTP_METHOD, str(p, "method"));
                span.setAttribute(URL_FULL, str(p, "endpoint"));
                content.kind(span, "span", "CHAIN");
            }
            default -> {
                // An end event without its start: take what the end knows.
                EventType startType = startOf(event.type());
                if (startType == EventType.LLM_REQUEST) {
                    llm.request(span, p);
                } else if (startType == EventType.TOOL_CALL) {
                    tool(span, p);
                } else if (startType == EventType.CHAIN_START) {
                    span.setAttribute(OPERATION_NAME, OP_INVOKE_AGENT);
                    span.setAttribute(AGENT_NAME, str(p, "chain_name"));
                    content.kind(span, "agent", "AGENT");
                } else if (startType == EventType.RETRIEVAL_START) {
                    span.setAttribute(OPERATION_NAME, OP_RETRIEVAL);
                    content.kind(span, "retriever", "RETRIEVER");
                } else if (startType == EventType.API_REQUEST) {
                    span.setAttribute(URL_FULL, str(p, "endpoint"));
                    content.kind(span, "span", "CHAIN");
                }
            }
        }
    }

    private void tool(Span span, Map<String, @Nullable Object> p) {
        span.setAttribute(OPERATION_NAME, OP_EXECUTE_TOOL);
        span.setAttribute(TOOL_NAME, str(p, "tool_name"));
        if (p.get("tool_type") instanceof String type) {
            span.setAttribute(TOOL_TYPE, type);
        }
        if (p.get("call_id") instanceof String id) {
            span.setAttribute(TOOL_CALL_ID, id);
        }
        content.kind(span, "tool", "TOOL");
        if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_TOOL_NAME, str(p, "tool_name"));
        }
    }

    /**
     * Attributes from the event that ends a span. Returns whether the span failed.
     *
     * @param firstChunk when the first streamed chunk arrived, or {@code null}
     */
    boolean end(Span span, Event end, @Nullable Instant started, @Nullable Instant firstChunk) {
        Map<String, @Nullable Object> p = end.payload();
        switch (end.type()) {
            case LLM_RESPONSE -> llm.response(span, p, started, firstChunk);
            case TOOL_RESPONSE -> {
                if (p.get("call_id") instanceof String id) {
                    span.setAttribute(TOOL_CALL_ID, id);
                }
                if (Boolean.FALSE.equals(p.get("success"))) {
                    error(span, "tool_error", p.get("error_message"));
                    return true;
                }
                if (content.captured() && p.get("response_data") != null) {
                    String result = content.toJson(p.get("response_data"));
                    span.setAttribute(TOOL_CALL_RESULT, result);
                    content.output(span, result);
                }
            }
            case FUNCTION_EXECUTION, CHAIN_END -> {
                if (Boolean.FALSE.equals(p.get("success"))) {
                    error(span, end.type() == EventType.CHAIN_END ? "agent_error" : "tool_error",
                            p.get("error_message"));
                    return true;
                }
                if (content.captured() && end.type() == EventType.CHAIN_END && p.get("outputs") != null) {
                    content.output(span, content.toJson(p.get("outputs")));
                }
            }
            case RETRIEVAL_END -> {
                if (content.captured() && p.get("documents") instanceof List<?> docs) {
                    String documents = content.toJson(docs);
                    span.setAttribute(RETRIEVAL_DOCUMENTS, documents);
                    content.output(span, documents);
                }
            }
            case API_RESPONSE -> {
                if (p.get("status_code") instanceof Number status) {
                    span.setAttribute(HTTP_STATUS, status.longValue());
                    if (status.intValue() >= 400) {
                        error(span, String.valueOf(status.intValue()), null);
                        return true;
                    }
                }
            }
            default -> {
                // Nothing to add.
            }
        }
        return false;
    }

    /** Marks a span failed: {@code error.type}, status ERROR, and the dialects' level. */
    void error(Span span, String type, @Nullable Object message) {
        span.setAttribute(ERROR_TYPE, type);
        String description = message instanceof String m ? m : type;
        span.setStatus(StatusCode.ERROR, description);
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_LEVEL, "ERROR");
            span.setAttribute(LF_STATUS_MESSAGE, description);
        }
    }

    /** Attributes of a carrier span (a span event whose target span had ended). */
    void carrier(Span span, Event event) {
        common(span, event);
        span.setAttribute(CARRIER, true);
    }
}
