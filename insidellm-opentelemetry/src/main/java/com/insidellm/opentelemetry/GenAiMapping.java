package com.insidellm.opentelemetry;

import com.insidellm.Event;
import com.insidellm.EventType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every name this module writes, and which span each event becomes: the OpenTelemetry GenAI semantic conventions (as
 * of {@code open-telemetry/semantic-conventions-genai}, status "development"), plus the Langfuse and OpenInference
 * names of the {@link Dialect}s. The conventions still move, so the names are all here, in the one class to change
 * when they do. What each event's fields become is written by {@link GenAiSpanAttributes} (span attributes, with
 * {@link GenAiLlmAttributes} for model calls), {@link GenAiPointEvents} (span events) and {@link GenAiContent}
 * (captured content). Stateless.
 */
final class GenAiMapping {

    // ------------------------------------------------------------------ GenAI semantic conventions
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<Double> REQUEST_TOP_K = AttributeKey.doubleKey("gen_ai.request.top_k");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> REQUEST_FREQUENCY_PENALTY =
            AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
    static final AttributeKey<Double> REQUEST_PRESENCE_PENALTY =
            AttributeKey.doubleKey("gen_ai.request.presence_penalty");
    static final AttributeKey<Long> REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
    static final AttributeKey<Long> REQUEST_CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");
    static final AttributeKey<List<String>> REQUEST_STOP_SEQUENCES =
            AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
    static final AttributeKey<Boolean> REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<List<String>> RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Double> RESPONSE_TIME_TO_FIRST_CHUNK =
            AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
    static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> USAGE_REASONING_OUTPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
    static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
    static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    static final AttributeKey<String> TOOL_CALL_ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");
    static final AttributeKey<String> TOOL_CALL_RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");
    static final AttributeKey<String> DATA_SOURCE_ID = AttributeKey.stringKey("gen_ai.data_source.id");
    static final AttributeKey<String> RETRIEVAL_QUERY_TEXT = AttributeKey.stringKey("gen_ai.retrieval.query.text");
    static final AttributeKey<String> RETRIEVAL_DOCUMENTS = AttributeKey.stringKey("gen_ai.retrieval.documents");
    static final AttributeKey<String> SYSTEM_INSTRUCTIONS = AttributeKey.stringKey("gen_ai.system_instructions");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> EVALUATION_NAME = AttributeKey.stringKey("gen_ai.evaluation.name");
    static final AttributeKey<Double> EVALUATION_SCORE_VALUE = AttributeKey.doubleKey("gen_ai.evaluation.score.value");
    static final AttributeKey<String> EVALUATION_SCORE_LABEL = AttributeKey.stringKey("gen_ai.evaluation.score.label");
    static final AttributeKey<String> EVALUATION_EXPLANATION = AttributeKey.stringKey("gen_ai.evaluation.explanation");
    static final String EVALUATION_RESULT_EVENT = "gen_ai.evaluation.result";

    static final String OP_CHAT = "chat";
    static final String OP_TEXT_COMPLETION = "text_completion";
    static final String OP_EMBEDDINGS = "embeddings";
    static final String OP_EXECUTE_TOOL = "execute_tool";
    static final String OP_INVOKE_AGENT = "invoke_agent";
    static final String OP_RETRIEVAL = "retrieval";

    // ------------------------------------------------------------------ general OpenTelemetry conventions
    static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");
    static final String EXCEPTION_EVENT = "exception";
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");

    // ------------------------------------------------------------------ InsideLLM's own (no convention exists)
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("insidellm.cost.usd");
    /** Marks a zero-length span that only carries a span event whose target span had already ended. */
    static final AttributeKey<Boolean> CARRIER = AttributeKey.booleanKey("insidellm.carrier");
    static final AttributeKey<String> EXIT_REASON = AttributeKey.stringKey("insidellm.run.exit_reason");
    static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("insidellm.channel");
    static final AttributeKey<String> METRIC_NAME = AttributeKey.stringKey("insidellm.metric.name");
    static final AttributeKey<Double> METRIC_VALUE = AttributeKey.doubleKey("insidellm.metric.value");
    static final AttributeKey<String> METRIC_UNIT = AttributeKey.stringKey("insidellm.metric.unit");
    static final AttributeKey<String> METRIC_TYPE = AttributeKey.stringKey("insidellm.metric.type");
    static final AttributeKey<String> REASONING_TYPE = AttributeKey.stringKey("insidellm.reasoning.type");
    static final AttributeKey<String> PLAN_TYPE = AttributeKey.stringKey("insidellm.plan.type");
    static final AttributeKey<Double> CONFIDENCE = AttributeKey.doubleKey("insidellm.confidence");
    static final AttributeKey<String> CONTENT = AttributeKey.stringKey("insidellm.content");
    static final AttributeKey<String> CUSTOM_NAME = AttributeKey.stringKey("insidellm.custom.name");
    static final String USER_INPUT_EVENT = "insidellm.user.input";
    static final String AGENT_RESPONSE_EVENT = "insidellm.agent.response";
    static final String AGENT_REASONING_EVENT = "insidellm.agent.reasoning";
    static final String AGENT_PLANNING_EVENT = "insidellm.agent.planning";
    static final String METRIC_EVENT = "insidellm.metric";
    static final String CUSTOM_EVENT = "insidellm.custom";

    // ------------------------------------------------------------------ Langfuse
    static final AttributeKey<String> LF_OBSERVATION_TYPE = AttributeKey.stringKey("langfuse.observation.type");
    static final AttributeKey<String> LF_MODEL_NAME = AttributeKey.stringKey("langfuse.observation.model.name");
    static final AttributeKey<String> LF_MODEL_PARAMETERS =
            AttributeKey.stringKey("langfuse.observation.model.parameters");
    static final AttributeKey<String> LF_USAGE_DETAILS = AttributeKey.stringKey("langfuse.observation.usage_details");
    static final AttributeKey<String> LF_COST_DETAILS = AttributeKey.stringKey("langfuse.observation.cost_details");
    static final AttributeKey<String> LF_COMPLETION_START_TIME =
            AttributeKey.stringKey("langfuse.observation.completion_start_time");
    static final AttributeKey<String> LF_INPUT = AttributeKey.stringKey("langfuse.observation.input");
    static final AttributeKey<String> LF_OUTPUT = AttributeKey.stringKey("langfuse.observation.output");
    static final AttributeKey<String> LF_LEVEL = AttributeKey.stringKey("langfuse.observation.level");
    static final AttributeKey<String> LF_STATUS_MESSAGE = AttributeKey.stringKey("langfuse.observation.status_message");
    static final AttributeKey<String> LF_USER_ID = AttributeKey.stringKey("langfuse.user.id");
    static final AttributeKey<String> LF_SESSION_ID = AttributeKey.stringKey("langfuse.session.id");
    static final AttributeKey<String> LF_TRACE_NAME = AttributeKey.stringKey("langfuse.trace.name");

    // ------------------------------------------------------------------ OpenInference (Arize Phoenix)
    static final AttributeKey<String> OI_SPAN_KIND = AttributeKey.stringKey("openinference.span.kind");
    static final AttributeKey<String> OI_MODEL_NAME = AttributeKey.stringKey("llm.model_name");
    static final AttributeKey<String> OI_PROVIDER = AttributeKey.stringKey("llm.provider");
    static final AttributeKey<String> OI_INVOCATION_PARAMETERS = AttributeKey.stringKey("llm.invocation_parameters");
    static final AttributeKey<Long> OI_TOKENS_PROMPT = AttributeKey.longKey("llm.token_count.prompt");
    static final AttributeKey<Long> OI_TOKENS_COMPLETION = AttributeKey.longKey("llm.token_count.completion");
    static final AttributeKey<Long> OI_TOKENS_TOTAL = AttributeKey.longKey("llm.token_count.total");
    static final AttributeKey<Long> OI_TOKENS_CACHE_READ =
            AttributeKey.longKey("llm.token_count.prompt_details.cache_read");
    static final AttributeKey<Long> OI_TOKENS_REASONING =
            AttributeKey.longKey("llm.token_count.completion_details.reasoning");
    static final AttributeKey<Double> OI_COST_TOTAL = AttributeKey.doubleKey("llm.cost.total");
    static final AttributeKey<String> OI_SESSION_ID = AttributeKey.stringKey("session.id");
    static final AttributeKey<String> OI_TOOL_NAME = AttributeKey.stringKey("tool.name");
    static final AttributeKey<String> OI_TOOL_PARAMETERS = AttributeKey.stringKey("tool.parameters");
    static final AttributeKey<String> OI_INPUT_VALUE = AttributeKey.stringKey("input.value");
    static final AttributeKey<String> OI_INPUT_MIME = AttributeKey.stringKey("input.mime_type");
    static final AttributeKey<String> OI_OUTPUT_VALUE = AttributeKey.stringKey("output.value");
    static final AttributeKey<String> OI_OUTPUT_MIME = AttributeKey.stringKey("output.mime_type");
    static final String OI_INPUT_MESSAGES = "llm.input_messages.";
    static final String OI_OUTPUT_MESSAGES = "llm.output_messages.";


    /** What an event does to the span tree. */
    enum Role {
        /** Opens a span that a later event ends. */
        START,
        /** Ends the span its parent event opened (or, alone, is a span of its own measured backwards). */
        END,
        /** A span of its own, measured backwards from the event by its duration. */
        COMPLETE,
        /** A span event on the span of its parent (or target). */
        POINT,
        /** Not exported: streaming chunks only feed the time to first chunk. */
        CHUNK,
        RUN_START,
        RUN_END
    }

    static Role role(EventType type) {
        return switch (type) {
            case RUN_START -> Role.RUN_START;
            case RUN_END -> Role.RUN_END;
            case LLM_REQUEST, TOOL_CALL, CHAIN_START, RETRIEVAL_START, API_REQUEST -> Role.START;
            case LLM_RESPONSE, TOOL_RESPONSE, CHAIN_END, RETRIEVAL_END, API_RESPONSE -> Role.END;
            case FUNCTION_EXECUTION -> Role.COMPLETE;
            case LLM_STREAMING_CHUNK -> Role.CHUNK;
            default -> Role.POINT;
        };
    }

    /** The start type an end event closes. */
    static @Nullable EventType startOf(EventType end) {
        return switch (end) {
            case LLM_RESPONSE -> EventType.LLM_REQUEST;
            case TOOL_RESPONSE -> EventType.TOOL_CALL;
            case CHAIN_END -> EventType.CHAIN_START;
            case RETRIEVAL_END -> EventType.RETRIEVAL_START;
            case API_RESPONSE -> EventType.API_REQUEST;
            default -> null;
        };
    }

    /** How long a span that only its end event describes lasted, from the event's own timing field. */
    static long durationMillis(Event event) {
        Map<String, @Nullable Object> p = event.payload();
        String key = switch (event.type()) {
            case LLM_RESPONSE, API_RESPONSE -> "response_time_ms";
            case TOOL_RESPONSE, FUNCTION_EXECUTION, CHAIN_END -> "execution_time_ms";
            case RETRIEVAL_END -> "retrieval_time_ms";
            default -> "";
        };
        return p.get(key) instanceof Number n ? Math.max(0, n.longValue()) : 0;
    }

    static SpanKind spanKind(EventType type) {
        return type == EventType.LLM_REQUEST || type == EventType.LLM_RESPONSE || type == EventType.API_REQUEST
                || type == EventType.API_RESPONSE ? SpanKind.CLIENT : SpanKind.INTERNAL;
    }

    /** The span name the conventions ask for: {@code "{gen_ai.operation.name} {target}"}. */
    static String spanName(Event event) {
        Map<String, @Nullable Object> p = event.payload();
        return switch (event.type()) {
            case LLM_REQUEST, LLM_RESPONSE -> operation(p) + " " + str(p, "model_name");
            case TOOL_CALL, TOOL_RESPONSE -> OP_EXECUTE_TOOL + " " + str(p, "tool_name");
            case FUNCTION_EXECUTION -> OP_EXECUTE_TOOL + " " + str(p, "function_name");
            case CHAIN_START, CHAIN_END -> OP_INVOKE_AGENT + " " + str(p, "chain_name");
            case RETRIEVAL_START, RETRIEVAL_END -> p.get("retriever_name") instanceof String r
                    ? OP_RETRIEVAL + " " + r : OP_RETRIEVAL;
            case API_REQUEST -> String.valueOf(p.get("method"));
            case API_RESPONSE -> "HTTP " + str(p, "api_name");
            default -> event.type().wireValue();
        };
    }

    static String runSpanName(Event runStart) {
        return runStart.payload().get("session_type") instanceof String type ? OP_INVOKE_AGENT + " " + type
                : OP_INVOKE_AGENT;
    }

    /** The operation of an LLM call: the request's {@code call_type} when it names one, else {@code chat}. */
    static String operation(Map<String, @Nullable Object> p) {
        if (p.get("call_type") instanceof String type) {
            String t = type.toLowerCase(Locale.ROOT);
            if (t.contains("embed")) {
                return OP_EMBEDDINGS;
            }
            if (t.equals("completion") || t.equals(OP_TEXT_COMPLETION)) {
                return OP_TEXT_COMPLETION;
            }
        }
        return OP_CHAT;
    }

    /** The conventions' well-known provider names for the names integrations commonly send. */
    static String providerName(@Nullable Object provider) {
        if (!(provider instanceof String p)) {
            return "unknown";
        }
        String l = p.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "azure", "azure_openai", "azure-openai", "azureopenai" -> "azure.ai.openai";
            case "google", "gemini", "googleai", "google_ai" -> "gcp.gemini";
            case "vertex", "vertexai", "vertex_ai" -> "gcp.vertex_ai";
            case "bedrock", "aws", "amazon_bedrock" -> "aws.bedrock";
            case "mistral", "mistralai" -> "mistral_ai";
            case "xai", "grok" -> "x_ai";
            case "watsonx" -> "ibm.watsonx.ai";
            default -> l;
        };
    }

    /** A payload field as text, {@code "unknown"} when absent. */
    static String str(Map<String, @Nullable Object> p, String key) {
        Object v = p.get(key);
        return v == null ? "unknown" : v.toString();
    }

    private GenAiMapping() {}
}
