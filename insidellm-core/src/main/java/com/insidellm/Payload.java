package com.insidellm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A typed payload for each {@link EventType}: the compile-time-checked way to fill an event's payload.
 *
 * <p>Each record's components are the wire fields of its type, in wire order. Required fields are checked for
 * {@code null} when the record is created; a shorter constructor takes only the required ones. For keys beyond
 * these, use {@link Event.Builder#payloadEntry(String, Object)} after {@link Event.Builder#payload(Payload)}.
 *
 * <p>All implementations are immutable records.
 */
public sealed interface Payload {

    /** The event type this payload belongs to. */
    EventType type();

    /** The payload as wire keys and values, in wire order. */
    Map<String, @Nullable Object> toMap();

    private static Map<String, @Nullable Object> map(Object... keysAndValues) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static <T> T required(@Nullable T value, String field) {
        if (value == null) {
            // Built only on failure: this runs for every event on the caller's thread.
            throw new NullPointerException(field + " is required");
        }
        return value;
    }

    /** {@code user.input}. */
    record UserInput(String inputText, @Nullable String inputType, @Nullable String channel,
            @Nullable Map<String, ?> sessionContext) implements Payload {
        public UserInput {
            required(inputText, "input_text");
        }

        /** A text input. */
        public UserInput(String inputText) {
            this(inputText, "text", null, null);
        }

        @Override
        public EventType type() {
            return EventType.USER_INPUT;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("input_text", inputText, "input_type", inputType == null ? "text" : inputType,
                    "channel", channel, "session_context", sessionContext);
        }
    }

    /** {@code user.feedback}. */
    record UserFeedback(String feedbackType, Object feedbackValue, @Nullable String targetEventId,
            @Nullable String feedbackText) implements Payload {
        public UserFeedback {
            required(feedbackType, "feedback_type");
            required(feedbackValue, "feedback_value");
        }

        /** Feedback without target or text. */
        public UserFeedback(String feedbackType, Object feedbackValue) {
            this(feedbackType, feedbackValue, null, null);
        }

        @Override
        public EventType type() {
            return EventType.USER_FEEDBACK;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("feedback_type", feedbackType, "feedback_value", feedbackValue,
                    "target_event_id", targetEventId, "feedback_text", feedbackText);
        }
    }

    /** {@code agent.reasoning}. */
    record AgentReasoning(String reasoningType, List<String> reasoningSteps, @Nullable Double confidenceScore,
            @Nullable Long reasoningTimeMs) implements Payload {
        public AgentReasoning {
            required(reasoningType, "reasoning_type");
            reasoningSteps = List.copyOf(required(reasoningSteps, "reasoning_steps"));
        }

        /** Reasoning without confidence or timing. */
        public AgentReasoning(String reasoningType, List<String> reasoningSteps) {
            this(reasoningType, reasoningSteps, null, null);
        }

        @Override
        public EventType type() {
            return EventType.AGENT_REASONING;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("reasoning_type", reasoningType, "reasoning_steps", reasoningSteps,
                    "confidence_score", confidenceScore, "reasoning_time_ms", reasoningTimeMs);
        }
    }

    /** {@code agent.planning}. */
    record AgentPlanning(String planType, List<? extends Map<String, ?>> plannedActions,
            @Nullable Long planningTimeMs, @Nullable Double planConfidence) implements Payload {
        public AgentPlanning {
            required(planType, "plan_type");
            plannedActions = List.copyOf(required(plannedActions, "planned_actions"));
        }

        /** A plan without timing or confidence. */
        public AgentPlanning(String planType, List<? extends Map<String, ?>> plannedActions) {
            this(planType, plannedActions, null, null);
        }

        @Override
        public EventType type() {
            return EventType.AGENT_PLANNING;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("plan_type", planType, "planned_actions", plannedActions,
                    "planning_time_ms", planningTimeMs, "plan_confidence", planConfidence);
        }
    }

    /** {@code agent.response}. */
    record AgentResponse(String responseText, @Nullable String responseType, @Nullable Double responseConfidence,
            @Nullable Map<String, ?> responseMetadata) implements Payload {
        public AgentResponse {
            required(responseText, "response_text");
        }

        /** A text response. */
        public AgentResponse(String responseText) {
            this(responseText, "text", null, null);
        }

        @Override
        public EventType type() {
            return EventType.AGENT_RESPONSE;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("response_text", responseText, "response_type", responseType == null ? "text" : responseType,
                    "response_confidence", responseConfidence, "response_metadata", responseMetadata);
        }
    }

    /** {@code llm.request}. Richer fields ({@code tools}, {@code tool_choice}, ...) go in as payload entries. */
    record LlmRequest(String modelName, String provider, String prompt, @Nullable Map<String, ?> parameters,
            @Nullable String systemMessage, @Nullable List<? extends Map<String, ?>> messages) implements Payload {
        public LlmRequest {
            required(modelName, "model_name");
            required(provider, "provider");
            required(prompt, "prompt");
        }

        /** A request with only model, provider and prompt. */
        public LlmRequest(String modelName, String provider, String prompt) {
            this(modelName, provider, prompt, null, null, null);
        }

        @Override
        public EventType type() {
            return EventType.LLM_REQUEST;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("model_name", modelName, "provider", provider, "prompt", prompt, "parameters", parameters,
                    "system_message", systemMessage, "messages", messages);
        }
    }

    /** {@code llm.response}. {@code usage} uses the keys of {@link TokenUsage#toMap()}. */
    record LlmResponse(String modelName, String provider, String responseText, @Nullable String finishReason,
            @Nullable TokenUsage usage, @Nullable Long responseTimeMs, @Nullable Double cost) implements Payload {
        public LlmResponse {
            required(modelName, "model_name");
            required(provider, "provider");
            required(responseText, "response_text");
        }

        /** A response with only model, provider and text. */
        public LlmResponse(String modelName, String provider, String responseText) {
            this(modelName, provider, responseText, null, null, null, null);
        }

        @Override
        public EventType type() {
            return EventType.LLM_RESPONSE;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("model_name", modelName, "provider", provider, "response_text", responseText,
                    "finish_reason", finishReason, "usage", usage == null ? null : usage.toMap(),
                    "response_time_ms", responseTimeMs, "cost", cost);
        }
    }

    /** {@code llm.streaming_chunk}. */
    record LlmStreamingChunk(String modelName, String provider, String chunkText, int chunkIndex, boolean isFinal,
            @Nullable Map<String, ?> chunkMetadata) implements Payload {
        public LlmStreamingChunk {
            required(modelName, "model_name");
            required(provider, "provider");
            required(chunkText, "chunk_text");
        }

        @Override
        public EventType type() {
            return EventType.LLM_STREAMING_CHUNK;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("model_name", modelName, "provider", provider, "chunk_text", chunkText,
                    "chunk_index", chunkIndex, "is_final", isFinal, "chunk_metadata", chunkMetadata);
        }
    }

    /** {@code tool.call}. */
    record ToolCall(String toolName, String toolType, Map<String, ?> parameters, @Nullable String callId)
            implements Payload {
        public ToolCall {
            required(toolName, "tool_name");
            required(toolType, "tool_type");
            required(parameters, "parameters");
        }

        /** A call without a call id. */
        public ToolCall(String toolName, String toolType, Map<String, ?> parameters) {
            this(toolName, toolType, parameters, null);
        }

        @Override
        public EventType type() {
            return EventType.TOOL_CALL;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("tool_name", toolName, "tool_type", toolType, "parameters", parameters, "call_id", callId);
        }
    }

    /** {@code tool.response}. */
    record ToolResponse(String toolName, String toolType, @Nullable String callId, @Nullable Object responseData,
            @Nullable Long executionTimeMs, boolean success, @Nullable String errorMessage) implements Payload {
        public ToolResponse {
            required(toolName, "tool_name");
            required(toolType, "tool_type");
        }

        /** A successful response. */
        public ToolResponse(String toolName, String toolType, @Nullable Object responseData) {
            this(toolName, toolType, null, responseData, null, true, null);
        }

        @Override
        public EventType type() {
            return EventType.TOOL_RESPONSE;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("tool_name", toolName, "tool_type", toolType, "call_id", callId, "response_data", responseData,
                    "execution_time_ms", executionTimeMs, "success", success, "error_message", errorMessage);
        }
    }

    /** {@code function_execution}. */
    record FunctionExecution(String functionName, Map<String, ?> functionArgs, @Nullable Object returnValue,
            @Nullable Long executionTimeMs, boolean success, @Nullable String errorMessage) implements Payload {
        public FunctionExecution {
            required(functionName, "function_name");
            required(functionArgs, "function_args");
        }

        @Override
        public EventType type() {
            return EventType.FUNCTION_EXECUTION;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("function_name", functionName, "function_args", functionArgs, "return_value", returnValue,
                    "execution_time_ms", executionTimeMs, "success", success, "error_message", errorMessage);
        }
    }

    /** {@code api.request}. */
    record ApiRequest(String apiName, String endpoint, String method, @Nullable Map<String, ?> headers,
            @Nullable Map<String, ?> parameters, @Nullable Object requestBody) implements Payload {
        public ApiRequest {
            required(apiName, "api_name");
            required(endpoint, "endpoint");
            required(method, "method");
        }

        @Override
        public EventType type() {
            return EventType.API_REQUEST;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("api_name", apiName, "endpoint", endpoint, "method", method, "headers", headers,
                    "parameters", parameters, "request_body", requestBody);
        }
    }

    /** {@code api.response}. */
    record ApiResponse(String apiName, String endpoint, int statusCode, @Nullable Map<String, ?> responseHeaders,
            @Nullable Object responseBody, @Nullable Long responseTimeMs) implements Payload {
        public ApiResponse {
            required(apiName, "api_name");
            required(endpoint, "endpoint");
        }

        @Override
        public EventType type() {
            return EventType.API_RESPONSE;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("api_name", apiName, "endpoint", endpoint, "status_code", statusCode,
                    "response_headers", responseHeaders, "response_body", responseBody,
                    "response_time_ms", responseTimeMs);
        }
    }

    /** {@code error}. */
    record Error(String errorType, String errorMessage, @Nullable String errorCode, @Nullable String stackTrace,
            @Nullable Map<String, ?> context, @Nullable String severity) implements Payload {
        public Error {
            required(errorType, "error_type");
            required(errorMessage, "error_message");
        }

        /** An error of severity {@code error} without code, stack trace or context. */
        public Error(String errorType, String errorMessage) {
            this(errorType, errorMessage, null, null, null, "error");
        }

        @Override
        public EventType type() {
            return EventType.ERROR;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("error_type", errorType, "error_message", errorMessage, "error_code", errorCode,
                    "stack_trace", stackTrace, "context", context, "severity", severity == null ? "error" : severity);
        }
    }

    /** {@code validation_error}. */
    record ValidationError(String validationTarget, List<String> validationRules, List<String> failedRules,
            @Nullable Map<String, ?> validationDetails) implements Payload {
        public ValidationError {
            required(validationTarget, "validation_target");
            validationRules = List.copyOf(required(validationRules, "validation_rules"));
            failedRules = List.copyOf(required(failedRules, "failed_rules"));
        }

        @Override
        public EventType type() {
            return EventType.VALIDATION_ERROR;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("validation_target", validationTarget, "validation_rules", validationRules,
                    "failed_rules", failedRules, "validation_details", validationDetails);
        }
    }

    /** {@code timeout_error}. */
    record TimeoutError(String timeoutType, long timeoutDurationMs, @Nullable Long expectedDurationMs,
            @Nullable Map<String, ?> operationContext) implements Payload {
        public TimeoutError {
            required(timeoutType, "timeout_type");
        }

        @Override
        public EventType type() {
            return EventType.TIMEOUT_ERROR;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("timeout_type", timeoutType, "timeout_duration_ms", timeoutDurationMs,
                    "expected_duration_ms", expectedDurationMs, "operation_context", operationContext);
        }
    }

    /** {@code run.start}. */
    record RunStart(String sessionId, @Nullable String sessionType, @Nullable Map<String, ?> initialContext)
            implements Payload {
        public RunStart {
            required(sessionId, "session_id");
        }

        @Override
        public EventType type() {
            return EventType.RUN_START;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("session_id", sessionId, "session_type", sessionType, "initial_context", initialContext);
        }
    }

    /** {@code run.end}. */
    record RunEnd(String sessionId, @Nullable Long sessionDurationMs, @Nullable Map<String, ?> sessionSummary,
            @Nullable String exitReason) implements Payload {
        public RunEnd {
            required(sessionId, "session_id");
        }

        @Override
        public EventType type() {
            return EventType.RUN_END;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("session_id", sessionId, "session_duration_ms", sessionDurationMs,
                    "session_summary", sessionSummary, "exit_reason", exitReason);
        }
    }

    /** {@code performance_metric}. */
    record PerformanceMetric(String metricName, Number metricValue, @Nullable String metricUnit,
            @Nullable String metricType, @Nullable Map<String, ?> additionalMetrics) implements Payload {
        public PerformanceMetric {
            required(metricName, "metric_name");
            required(metricValue, "metric_value");
        }

        /** A gauge. */
        public PerformanceMetric(String metricName, Number metricValue, @Nullable String metricUnit) {
            this(metricName, metricValue, metricUnit, "gauge", null);
        }

        @Override
        public EventType type() {
            return EventType.PERFORMANCE_METRIC;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("metric_name", metricName, "metric_value", metricValue, "metric_unit", metricUnit,
                    "metric_type", metricType == null ? "gauge" : metricType, "additional_metrics", additionalMetrics);
        }
    }

    /** {@code chain.start}. */
    record ChainStart(String chainName, @Nullable Map<String, ?> inputs, @Nullable String chainType)
            implements Payload {
        public ChainStart {
            required(chainName, "chain_name");
        }

        @Override
        public EventType type() {
            return EventType.CHAIN_START;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("chain_name", chainName, "inputs", inputs, "chain_type", chainType);
        }
    }

    /** {@code chain.end}. */
    record ChainEnd(String chainName, @Nullable Map<String, ?> outputs, @Nullable Long executionTimeMs,
            boolean success, @Nullable String errorMessage) implements Payload {
        public ChainEnd {
            required(chainName, "chain_name");
        }

        @Override
        public EventType type() {
            return EventType.CHAIN_END;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("chain_name", chainName, "outputs", outputs, "execution_time_ms", executionTimeMs,
                    "success", success, "error_message", errorMessage);
        }
    }

    /** {@code retrieval.start}. */
    record RetrievalStart(String query, @Nullable String retrieverName, @Nullable Map<String, ?> parameters)
            implements Payload {
        public RetrievalStart {
            required(query, "query");
        }

        @Override
        public EventType type() {
            return EventType.RETRIEVAL_START;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("query", query, "retriever_name", retrieverName, "parameters", parameters);
        }
    }

    /** {@code retrieval.end}; each document is a map with {@code content}, {@code score} and {@code metadata}. */
    record RetrievalEnd(String query, @Nullable List<? extends Map<String, ?>> documents,
            @Nullable Long retrievalTimeMs) implements Payload {
        public RetrievalEnd {
            required(query, "query");
        }

        @Override
        public EventType type() {
            return EventType.RETRIEVAL_END;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("query", query, "documents", documents, "retrieval_time_ms", retrievalTimeMs);
        }
    }

    /** {@code custom.event}. */
    record Custom(String name, @Nullable Map<String, ?> data) implements Payload {
        public Custom {
            required(name, "name");
        }

        @Override
        public EventType type() {
            return EventType.CUSTOM_EVENT;
        }

        @Override
        public Map<String, @Nullable Object> toMap() {
            return map("name", name, "data", data);
        }
    }
}
