package com.insidellm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The kinds of events the InsideLLM ingestion API accepts, each with its wire value and payload schema.
 *
 * <p>The payload schema lists the payload keys in wire order; required keys must be present and (except for
 * {@code tool.response}'s {@code response_data} and {@code function_execution}'s {@code return_value}) non-null.
 * Optional keys that are absent are sent as {@code null}, and keys with a default take it when absent.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum EventType {
    /** A message a user sent to the agent. */
    USER_INPUT("user.input", "input_text*", "input_type=text", "channel", "session_context"),
    /** Feedback a user gave on an earlier event. */
    USER_FEEDBACK("user.feedback", "feedback_type*", "feedback_value*", "target_event_id", "feedback_text"),
    /** The agent's reasoning steps. */
    AGENT_REASONING("agent.reasoning", "reasoning_type*", "reasoning_steps*", "confidence_score", "reasoning_time_ms"),
    /** The agent's plan. */
    AGENT_PLANNING("agent.planning", "plan_type*", "planned_actions*", "planning_time_ms", "plan_confidence"),
    /** The agent's answer to the user. */
    AGENT_RESPONSE("agent.response", "response_text*", "response_type=text", "response_confidence",
            "response_metadata"),
    /** A request sent to a language model. */
    LLM_REQUEST("llm.request", "model_name*", "provider*", "prompt*", "parameters", "system_message", "messages"),
    /** A language model's response. */
    LLM_RESPONSE("llm.response", "model_name*", "provider*", "response_text*", "finish_reason", "usage",
            "response_time_ms", "cost"),
    /** One chunk of a streamed language model response. */
    LLM_STREAMING_CHUNK("llm.streaming_chunk", "model_name*", "provider*", "chunk_text*", "chunk_index*",
            "is_final=false", "chunk_metadata"),
    /** A call of a tool by the agent. */
    TOOL_CALL("tool.call", "tool_name*", "tool_type*", "parameters*", "call_id"),
    /** The result of a tool call. */
    TOOL_RESPONSE("tool.response", "tool_name*", "tool_type*", "call_id", "response_data*?", "execution_time_ms",
            "success=true", "error_message"),
    /** The execution of an application function. */
    FUNCTION_EXECUTION("function_execution", "function_name*", "function_args*", "return_value*?",
            "execution_time_ms", "success=true", "error_message"),
    /** A request to an external API. */
    API_REQUEST("api.request", "api_name*", "endpoint*", "method*", "headers", "parameters", "request_body"),
    /** The response of an external API. */
    API_RESPONSE("api.response", "api_name*", "endpoint*", "status_code*", "response_headers", "response_body",
            "response_time_ms"),
    /** An error. */
    ERROR("error", "error_type*", "error_message*", "error_code", "stack_trace", "context", "severity=error"),
    /** A failed validation. */
    VALIDATION_ERROR("validation_error", "validation_target*", "validation_rules*", "failed_rules*",
            "validation_details"),
    /** An operation that timed out. */
    TIMEOUT_ERROR("timeout_error", "timeout_type*", "timeout_duration_ms*", "expected_duration_ms",
            "operation_context"),
    /** The start of a run (a session). */
    RUN_START("run.start", "session_id*", "session_type", "initial_context"),
    /** The end of a run (a session). */
    RUN_END("run.end", "session_id*", "session_duration_ms", "session_summary", "exit_reason"),
    /** A performance measurement. */
    PERFORMANCE_METRIC("performance_metric", "metric_name*", "metric_value*", "metric_unit", "metric_type=gauge",
            "additional_metrics"),
    /** The start of a chain (for example an AI-service invocation). */
    CHAIN_START("chain.start", "chain_name*", "inputs", "chain_type"),
    /** The end of a chain. */
    CHAIN_END("chain.end", "chain_name*", "outputs", "execution_time_ms", "success=true", "error_message"),
    /** The start of a retrieval (RAG) step. */
    RETRIEVAL_START("retrieval.start", "query*", "retriever_name", "parameters"),
    /** The end of a retrieval step, with the documents found. */
    RETRIEVAL_END("retrieval.end", "query*", "documents", "retrieval_time_ms"),
    /** An application-defined event. */
    CUSTOM_EVENT("custom.event", "name*", "data");

    private static final Map<String, EventType> BY_WIRE_VALUE = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_WIRE_VALUE.put(type.wireValue, type);
        }
    }

    private final String wireValue;
    private final List<PayloadField> fields;
    private final java.util.Set<String> fieldNames;

    EventType(String wireValue, String... fieldSpecs) {
        this.wireValue = wireValue;
        List<PayloadField> parsed = new ArrayList<>(fieldSpecs.length);
        for (String spec : fieldSpecs) {
            PayloadField field = PayloadField.parse(spec);
            parsed.add(field);
        }
        this.fields = Collections.unmodifiableList(parsed);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (PayloadField field : parsed) {
            names.add(field.name());
        }
        this.fieldNames = java.util.Set.copyOf(names);
    }

    /** Whether {@code key} is one of this type's payload fields. */
    boolean hasPayloadField(String key) {
        return fieldNames.contains(key);
    }

    /** Returns the value sent in {@code event_type}, for example {@code "llm.response"}. */
    public String wireValue() {
        return wireValue;
    }

    /** Returns the payload keys defined for this type, in wire order. */
    public List<PayloadField> payloadFields() {
        return fields;
    }

    /** Returns the names of the payload keys this type requires. */
    public List<String> requiredPayloadFields() {
        List<String> required = new ArrayList<>();
        for (PayloadField field : fields) {
            if (field.required()) {
                required.add(field.name());
            }
        }
        return Collections.unmodifiableList(required);
    }

    /** Whether events of this type report a failure ({@code error}, {@code validation_error}, {@code timeout_error}). */
    public boolean isError() {
        return this == ERROR || this == VALIDATION_ERROR || this == TIMEOUT_ERROR;
    }

    /**
     * Returns the type whose wire value is {@code wireValue}.
     *
     * @throws IllegalArgumentException if no type has that wire value
     */
    public static EventType fromWireValue(String wireValue) {
        EventType type = BY_WIRE_VALUE.get(wireValue);
        if (type == null) {
            throw new IllegalArgumentException("Unknown event_type '" + wireValue + "'; expected one of "
                    + BY_WIRE_VALUE.keySet());
        }
        return type;
    }

    @Override
    public String toString() {
        return wireValue;
    }

    /**
     * One payload key of an event type.
     *
     * @param name the snake_case key
     * @param required whether the key must be present
     * @param nullable whether a required key may hold {@code null}
     * @param defaultValue the value sent when the key is absent, or {@code null}
     */
    public record PayloadField(String name, boolean required, boolean nullable, @Nullable Object defaultValue) {

        static PayloadField parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq > 0) {
                String raw = spec.substring(eq + 1);
                Object value = switch (raw) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> raw;
                };
                return new PayloadField(spec.substring(0, eq), false, true, value);
            }
            if (spec.endsWith("*?")) {
                return new PayloadField(spec.substring(0, spec.length() - 2), true, true, null);
            }
            if (spec.endsWith("*")) {
                return new PayloadField(spec.substring(0, spec.length() - 1), true, false, null);
            }
            return new PayloadField(spec, false, true, null);
        }
    }
}
