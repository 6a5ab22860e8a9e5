package com.insidellm.internal;

import com.fasterxml.jackson.core.io.SerializedString;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Writes a typed {@link Payload}'s fields straight to a {@link WireWriter}, in the order and with the defaults of
 * {@link Payload#toMap()}, so that the flusher never builds the map (a map per payload, and a walk over it, were a
 * fifth of serialising an event). {@code WireWriterTest} holds every type to its map's bytes. Internal.
 */
final class PayloadWriter {

    private static final SerializedString MODEL_NAME = new SerializedString("model_name");
    private static final SerializedString PROVIDER = new SerializedString("provider");
    private static final SerializedString RESPONSE_TEXT = new SerializedString("response_text");
    private static final SerializedString FINISH_REASON = new SerializedString("finish_reason");
    private static final SerializedString USAGE = new SerializedString("usage");
    private static final SerializedString RESPONSE_TIME_MS = new SerializedString("response_time_ms");
    private static final SerializedString COST = new SerializedString("cost");
    private static final SerializedString PROMPT = new SerializedString("prompt");
    private static final SerializedString PARAMETERS = new SerializedString("parameters");
    private static final SerializedString SYSTEM_MESSAGE = new SerializedString("system_message");
    private static final SerializedString MESSAGES = new SerializedString("messages");
    private static final SerializedString INPUT_TEXT = new SerializedString("input_text");
    private static final SerializedString INPUT_TYPE = new SerializedString("input_type");
    private static final SerializedString CHANNEL = new SerializedString("channel");
    private static final SerializedString SESSION_CONTEXT = new SerializedString("session_context");
    private static final SerializedString RESPONSE_TYPE = new SerializedString("response_type");
    private static final SerializedString RESPONSE_CONFIDENCE = new SerializedString("response_confidence");
    private static final SerializedString RESPONSE_METADATA = new SerializedString("response_metadata");
    private static final SerializedString TOOL_NAME = new SerializedString("tool_name");
    private static final SerializedString TOOL_TYPE = new SerializedString("tool_type");
    private static final SerializedString CALL_ID = new SerializedString("call_id");
    private static final SerializedString RESPONSE_DATA = new SerializedString("response_data");
    private static final SerializedString EXECUTION_TIME_MS = new SerializedString("execution_time_ms");
    private static final SerializedString SUCCESS = new SerializedString("success");
    private static final SerializedString ERROR_MESSAGE = new SerializedString("error_message");
    private static final SerializedString CHUNK_TEXT = new SerializedString("chunk_text");
    private static final SerializedString CHUNK_INDEX = new SerializedString("chunk_index");
    private static final SerializedString IS_FINAL = new SerializedString("is_final");
    private static final SerializedString CHUNK_METADATA = new SerializedString("chunk_metadata");
    private static final SerializedString ERROR_TYPE = new SerializedString("error_type");
    private static final SerializedString ERROR_CODE = new SerializedString("error_code");
    private static final SerializedString STACK_TRACE = new SerializedString("stack_trace");
    private static final SerializedString CONTEXT = new SerializedString("context");
    private static final SerializedString SEVERITY = new SerializedString("severity");
    private static final SerializedString FEEDBACK_TYPE = new SerializedString("feedback_type");
    private static final SerializedString FEEDBACK_VALUE = new SerializedString("feedback_value");
    private static final SerializedString TARGET_EVENT_ID = new SerializedString("target_event_id");
    private static final SerializedString FEEDBACK_TEXT = new SerializedString("feedback_text");
    private static final SerializedString REASONING_TYPE = new SerializedString("reasoning_type");
    private static final SerializedString REASONING_STEPS = new SerializedString("reasoning_steps");
    private static final SerializedString CONFIDENCE_SCORE = new SerializedString("confidence_score");
    private static final SerializedString REASONING_TIME_MS = new SerializedString("reasoning_time_ms");
    private static final SerializedString PLAN_TYPE = new SerializedString("plan_type");
    private static final SerializedString PLANNED_ACTIONS = new SerializedString("planned_actions");
    private static final SerializedString PLANNING_TIME_MS = new SerializedString("planning_time_ms");
    private static final SerializedString PLAN_CONFIDENCE = new SerializedString("plan_confidence");
    private static final SerializedString FUNCTION_NAME = new SerializedString("function_name");
    private static final SerializedString FUNCTION_ARGS = new SerializedString("function_args");
    private static final SerializedString RETURN_VALUE = new SerializedString("return_value");
    private static final SerializedString API_NAME = new SerializedString("api_name");
    private static final SerializedString ENDPOINT = new SerializedString("endpoint");
    private static final SerializedString METHOD = new SerializedString("method");
    private static final SerializedString HEADERS = new SerializedString("headers");
    private static final SerializedString REQUEST_BODY = new SerializedString("request_body");
    private static final SerializedString STATUS_CODE = new SerializedString("status_code");
    private static final SerializedString RESPONSE_HEADERS = new SerializedString("response_headers");
    private static final SerializedString RESPONSE_BODY = new SerializedString("response_body");
    private static final SerializedString VALIDATION_TARGET = new SerializedString("validation_target");
    private static final SerializedString VALIDATION_RULES = new SerializedString("validation_rules");
    private static final SerializedString FAILED_RULES = new SerializedString("failed_rules");
    private static final SerializedString VALIDATION_DETAILS = new SerializedString("validation_details");
    private static final SerializedString TIMEOUT_TYPE = new SerializedString("timeout_type");
    private static final SerializedString TIMEOUT_DURATION_MS = new SerializedString("timeout_duration_ms");
    private static final SerializedString EXPECTED_DURATION_MS = new SerializedString("expected_duration_ms");
    private static final SerializedString OPERATION_CONTEXT = new SerializedString("operation_context");
    private static final SerializedString SESSION_ID = new SerializedString("session_id");
    private static final SerializedString SESSION_TYPE = new SerializedString("session_type");
    private static final SerializedString INITIAL_CONTEXT = new SerializedString("initial_context");
    private static final SerializedString SESSION_DURATION_MS = new SerializedString("session_duration_ms");
    private static final SerializedString SESSION_SUMMARY = new SerializedString("session_summary");
    private static final SerializedString EXIT_REASON = new SerializedString("exit_reason");
    private static final SerializedString METRIC_NAME = new SerializedString("metric_name");
    private static final SerializedString METRIC_VALUE = new SerializedString("metric_value");
    private static final SerializedString METRIC_UNIT = new SerializedString("metric_unit");
    private static final SerializedString METRIC_TYPE = new SerializedString("metric_type");
    private static final SerializedString ADDITIONAL_METRICS = new SerializedString("additional_metrics");
    private static final SerializedString CHAIN_NAME = new SerializedString("chain_name");
    private static final SerializedString INPUTS = new SerializedString("inputs");
    private static final SerializedString CHAIN_TYPE = new SerializedString("chain_type");
    private static final SerializedString OUTPUTS = new SerializedString("outputs");
    private static final SerializedString QUERY = new SerializedString("query");
    private static final SerializedString RETRIEVER_NAME = new SerializedString("retriever_name");
    private static final SerializedString DOCUMENTS = new SerializedString("documents");
    private static final SerializedString RETRIEVAL_TIME_MS = new SerializedString("retrieval_time_ms");
    private static final SerializedString NAME = new SerializedString("name");
    private static final SerializedString DATA = new SerializedString("data");
    private static final SerializedString PROMPT_TOKENS = new SerializedString("prompt_tokens");
    private static final SerializedString COMPLETION_TOKENS = new SerializedString("completion_tokens");
    private static final SerializedString TOTAL_TOKENS = new SerializedString("total_tokens");
    private static final SerializedString CACHED_TOKENS = new SerializedString("cached_tokens");
    private static final SerializedString REASONING_TOKENS = new SerializedString("reasoning_tokens");

    private PayloadWriter() {
    }

    /** Writes the fields of {@code payload} into the payload object the writer has open. */
    static void write(WireWriter w, Payload payload) throws IOException {
        if (payload instanceof Payload.LlmResponse p) {
            w.stringOrNull(MODEL_NAME, p.modelName());
            w.stringOrNull(PROVIDER, p.provider());
            w.stringOrNull(RESPONSE_TEXT, p.responseText());
            w.stringOrNull(FINISH_REASON, p.finishReason());
            usage(w, USAGE, p.usage());
            w.number(RESPONSE_TIME_MS, p.responseTimeMs());
            w.number(COST, p.cost());
        } else if (payload instanceof Payload.LlmRequest p) {
            w.stringOrNull(MODEL_NAME, p.modelName());
            w.stringOrNull(PROVIDER, p.provider());
            w.stringOrNull(PROMPT, p.prompt());
            w.field(PARAMETERS, p.parameters());
            w.stringOrNull(SYSTEM_MESSAGE, p.systemMessage());
            w.field(MESSAGES, p.messages());
        } else if (payload instanceof Payload.UserInput p) {
            w.stringOrNull(INPUT_TEXT, p.inputText());
            w.string(INPUT_TYPE, p.inputType() == null ? "text" : p.inputType());
            w.stringOrNull(CHANNEL, p.channel());
            w.field(SESSION_CONTEXT, p.sessionContext());
        } else if (payload instanceof Payload.AgentResponse p) {
            w.stringOrNull(RESPONSE_TEXT, p.responseText());
            w.string(RESPONSE_TYPE, p.responseType() == null ? "text" : p.responseType());
            w.number(RESPONSE_CONFIDENCE, p.responseConfidence());
            w.field(RESPONSE_METADATA, p.responseMetadata());
        } else if (payload instanceof Payload.ToolCall p) {
            w.stringOrNull(TOOL_NAME, p.toolName());
            w.stringOrNull(TOOL_TYPE, p.toolType());
            w.field(PARAMETERS, p.parameters());
            w.stringOrNull(CALL_ID, p.callId());
        } else if (payload instanceof Payload.ToolResponse p) {
            w.stringOrNull(TOOL_NAME, p.toolName());
            w.stringOrNull(TOOL_TYPE, p.toolType());
            w.stringOrNull(CALL_ID, p.callId());
            w.field(RESPONSE_DATA, p.responseData());
            w.number(EXECUTION_TIME_MS, p.executionTimeMs());
            w.bool(SUCCESS, p.success());
            w.stringOrNull(ERROR_MESSAGE, p.errorMessage());
        } else if (payload instanceof Payload.LlmStreamingChunk p) {
            w.stringOrNull(MODEL_NAME, p.modelName());
            w.stringOrNull(PROVIDER, p.provider());
            w.stringOrNull(CHUNK_TEXT, p.chunkText());
            w.number(CHUNK_INDEX, p.chunkIndex());
            w.bool(IS_FINAL, p.isFinal());
            w.field(CHUNK_METADATA, p.chunkMetadata());
        } else if (payload instanceof Payload.Error p) {
            w.stringOrNull(ERROR_TYPE, p.errorType());
            w.stringOrNull(ERROR_MESSAGE, p.errorMessage());
            w.stringOrNull(ERROR_CODE, p.errorCode());
            w.stringOrNull(STACK_TRACE, p.stackTrace());
            w.field(CONTEXT, p.context());
            w.string(SEVERITY, p.severity() == null ? "error" : p.severity());
        } else if (payload instanceof Payload.UserFeedback p) {
            w.stringOrNull(FEEDBACK_TYPE, p.feedbackType());
            w.field(FEEDBACK_VALUE, p.feedbackValue());
            w.stringOrNull(TARGET_EVENT_ID, p.targetEventId());
            w.stringOrNull(FEEDBACK_TEXT, p.feedbackText());
        } else if (payload instanceof Payload.AgentReasoning p) {
            w.stringOrNull(REASONING_TYPE, p.reasoningType());
            w.field(REASONING_STEPS, p.reasoningSteps());
            w.number(CONFIDENCE_SCORE, p.confidenceScore());
            w.number(REASONING_TIME_MS, p.reasoningTimeMs());
        } else if (payload instanceof Payload.AgentPlanning p) {
            w.stringOrNull(PLAN_TYPE, p.planType());
            w.field(PLANNED_ACTIONS, p.plannedActions());
            w.number(PLANNING_TIME_MS, p.planningTimeMs());
            w.number(PLAN_CONFIDENCE, p.planConfidence());
        } else if (payload instanceof Payload.FunctionExecution p) {
            w.stringOrNull(FUNCTION_NAME, p.functionName());
            w.field(FUNCTION_ARGS, p.functionArgs());
            w.field(RETURN_VALUE, p.returnValue());
            w.number(EXECUTION_TIME_MS, p.executionTimeMs());
            w.bool(SUCCESS, p.success());
            w.stringOrNull(ERROR_MESSAGE, p.errorMessage());
        } else if (payload instanceof Payload.ApiRequest p) {
            w.stringOrNull(API_NAME, p.apiName());
            w.stringOrNull(ENDPOINT, p.endpoint());
            w.stringOrNull(METHOD, p.method());
            w.field(HEADERS, p.headers());
            w.field(PARAMETERS, p.parameters());
            w.field(REQUEST_BODY, p.requestBody());
        } else if (payload instanceof Payload.ApiResponse p) {
            w.stringOrNull(API_NAME, p.apiName());
            w.stringOrNull(ENDPOINT, p.endpoint());
            w.number(STATUS_CODE, p.statusCode());
            w.field(RESPONSE_HEADERS, p.responseHeaders());
            w.field(RESPONSE_BODY, p.responseBody());
            w.number(RESPONSE_TIME_MS, p.responseTimeMs());
        } else if (payload instanceof Payload.ValidationError p) {
            w.stringOrNull(VALIDATION_TARGET, p.validationTarget());
            w.field(VALIDATION_RULES, p.validationRules());
            w.field(FAILED_RULES, p.failedRules());
            w.field(VALIDATION_DETAILS, p.validationDetails());
        } else if (payload instanceof Payload.TimeoutError p) {
            w.stringOrNull(TIMEOUT_TYPE, p.timeoutType());
            w.number(TIMEOUT_DURATION_MS, p.timeoutDurationMs());
            w.number(EXPECTED_DURATION_MS, p.expectedDurationMs());
            w.field(OPERATION_CONTEXT, p.operationContext());
        } else if (payload instanceof Payload.RunStart p) {
            w.stringOrNull(SESSION_ID, p.sessionId());
            w.stringOrNull(SESSION_TYPE, p.sessionType());
            w.field(INITIAL_CONTEXT, p.initialContext());
        } else if (payload instanceof Payload.RunEnd p) {
            w.stringOrNull(SESSION_ID, p.sessionId());
            w.number(SESSION_DURATION_MS, p.sessionDurationMs());
            w.field(SESSION_SUMMARY, p.sessionSummary());
            w.stringOrNull(EXIT_REASON, p.exitReason());
        } else if (payload instanceof Payload.PerformanceMetric p) {
            w.stringOrNull(METRIC_NAME, p.metricName());
            w.number(METRIC_VALUE, p.metricValue());
            w.stringOrNull(METRIC_UNIT, p.metricUnit());
            w.string(METRIC_TYPE, p.metricType() == null ? "gauge" : p.metricType());
            w.field(ADDITIONAL_METRICS, p.additionalMetrics());
        } else if (payload instanceof Payload.ChainStart p) {
            w.stringOrNull(CHAIN_NAME, p.chainName());
            w.field(INPUTS, p.inputs());
            w.stringOrNull(CHAIN_TYPE, p.chainType());
        } else if (payload instanceof Payload.ChainEnd p) {
            w.stringOrNull(CHAIN_NAME, p.chainName());
            w.field(OUTPUTS, p.outputs());
            w.number(EXECUTION_TIME_MS, p.executionTimeMs());
            w.bool(SUCCESS, p.success());
            w.stringOrNull(ERROR_MESSAGE, p.errorMessage());
        } else if (payload instanceof Payload.RetrievalStart p) {
            w.stringOrNull(QUERY, p.query());
            w.stringOrNull(RETRIEVER_NAME, p.retrieverName());
            w.field(PARAMETERS, p.parameters());
        } else if (payload instanceof Payload.RetrievalEnd p) {
            w.stringOrNull(QUERY, p.query());
            w.field(DOCUMENTS, p.documents());
            w.number(RETRIEVAL_TIME_MS, p.retrievalTimeMs());
        } else if (payload instanceof Payload.Custom p) {
            w.stringOrNull(NAME, p.name());
            w.field(DATA, p.data());
        } else {
            // A payload type added later without a writer here: its map is the definition.
            for (java.util.Map.Entry<String, @Nullable Object> entry : payload.toMap().entrySet()) {
                w.field(new SerializedString(entry.getKey()), entry.getValue());
            }
        }
    }

    /** As {@link TokenUsage#toMap()}: the total is the sum when not given and both counts are. */
    private static void usage(WireWriter w, SerializedString name, @Nullable TokenUsage usage) throws IOException {
        w.name(name);
        if (usage == null) {
            w.field(null);
            return;
        }
        Integer prompt = usage.promptTokens();
        Integer completion = usage.completionTokens();
        Integer total = usage.totalTokens();
        w.startObject();
        w.number(PROMPT_TOKENS, prompt);
        w.number(COMPLETION_TOKENS, completion);
        w.name(TOTAL_TOKENS);
        w.number(total != null ? total : prompt != null && completion != null ? Integer.valueOf(prompt + completion)
                : null);
        w.number(CACHED_TOKENS, usage.cachedTokens());
        w.number(REASONING_TOKENS, usage.reasoningTokens());
        w.endObject();
    }
}
