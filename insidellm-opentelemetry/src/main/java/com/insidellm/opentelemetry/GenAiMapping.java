package com.insidellm.opentelemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.Event;
import com.insidellm.EventType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every name this module writes, and how each event's fields become span attributes: the OpenTelemetry GenAI
 * semantic conventions (as of {@code open-telemetry/semantic-conventions-genai}, status "development"), plus the
 * Langfuse and OpenInference names of the {@link Dialect}s. The conventions still move, so this is the one class to
 * change when they do. Content attributes ({@code gen_ai.input.messages}, ...) are written only when content capture
 * is on, as JSON strings in the conventions' structured form (the stable attribute API of every OpenTelemetry version
 * an application may bring has no structured values). Immutable and thread-safe.
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

    private static final String JSON_MIME = "application/json";

    private final Dialect dialect;
    private final boolean captureContent;
    private final ObjectMapper json = new ObjectMapper();

    GenAiMapping(Dialect dialect, boolean captureContent) {
        this.dialect = dialect;
        this.captureContent = captureContent;
    }

    boolean captureContent() {
        return captureContent;
    }

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
    private static String operation(Map<String, @Nullable Object> p) {
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

    // ------------------------------------------------------------------ spans

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
        dialectKind(root, "agent", "AGENT");
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
            case LLM_REQUEST -> llmRequest(span, p);
            case TOOL_CALL -> {
                tool(span, p);
                if (captureContent) {
                    String args = toJson(p.get("parameters"));
                    span.setAttribute(TOOL_CALL_ARGUMENTS, args);
                    contentInput(span, args);
                }
            }
            case FUNCTION_EXECUTION -> {
                span.setAttribute(OPERATION_NAME, OP_EXECUTE_TOOL);
                span.setAttribute(TOOL_NAME, str(p, "function_name"));
                span.setAttribute(TOOL_TYPE, "function");
                dialectKind(span, "tool", "TOOL");
                if (dialect == Dialect.OPENINFERENCE) {
                    span.setAttribute(OI_TOOL_NAME, str(p, "function_name"));
                }
                if (captureContent) {
                    String args = toJson(p.get("function_args"));
                    span.setAttribute(TOOL_CALL_ARGUMENTS, args);
                    contentInput(span, args);
                    String result = toJson(p.get("return_value"));
                    span.setAttribute(TOOL_CALL_RESULT, result);
                    contentOutput(span, result);
                }
            }
            case CHAIN_START -> {
                span.setAttribute(OPERATION_NAME, OP_INVOKE_AGENT);
                span.setAttribute(AGENT_NAME, str(p, "chain_name"));
                dialectKind(span, "agent", "AGENT");
                if (captureContent && p.get("inputs") != null) {
                    contentInput(span, toJson(p.get("inputs")));
                }
            }
            case RETRIEVAL_START -> {
                span.setAttribute(OPERATION_NAME, OP_RETRIEVAL);
                if (p.get("retriever_name") instanceof String r) {
                    span.setAttribute(DATA_SOURCE_ID, r);
                }
                dialectKind(span, "retriever", "RETRIEVER");
                if (captureContent && p.get("query") instanceof String q) {
                    span.setAttribute(RETRIEVAL_QUERY_TEXT, q);
                    contentInput(span, q);
                }
            }
            case API_REQUEST -> {
                span.setAttribute(HTTP_METHOD, str(p, "method"));
                span.setAttribute(URL_FULL, str(p, "endpoint"));
                dialectKind(span, "span", "CHAIN");
            }
            default -> {
                // An end event without its start: take what the end knows.
                EventType startType = startOf(event.type());
                if (startType == EventType.LLM_REQUEST) {
                    llmRequest(span, p);
                } else if (startType == EventType.TOOL_CALL) {
                    tool(span, p);
                } else if (startType == EventType.CHAIN_START) {
                    span.setAttribute(OPERATION_NAME, OP_INVOKE_AGENT);
                    span.setAttribute(AGENT_NAME, str(p, "chain_name"));
                    dialectKind(span, "agent", "AGENT");
                } else if (startType == EventType.RETRIEVAL_START) {
                    span.setAttribute(OPERATION_NAME, OP_RETRIEVAL);
                    dialectKind(span, "retriever", "RETRIEVER");
                } else if (startType == EventType.API_REQUEST) {
                    span.setAttribute(URL_FULL, str(p, "endpoint"));
                    dialectKind(span, "span", "CHAIN");
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
        dialectKind(span, "tool", "TOOL");
        if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_TOOL_NAME, str(p, "tool_name"));
        }
    }

    private void llmRequest(Span span, Map<String, @Nullable Object> p) {
        span.setAttribute(OPERATION_NAME, operation(p));
        String provider = providerName(p.get("provider"));
        span.setAttribute(PROVIDER_NAME, provider);
        String model = str(p, "model_name");
        span.setAttribute(REQUEST_MODEL, model);
        Map<String, Object> params = new LinkedHashMap<>();
        if (p.get("parameters") instanceof Map<?, ?> parameters) {
            for (Map.Entry<?, ?> e : parameters.entrySet()) {
                if (e.getValue() != null) {
                    params.put(String.valueOf(e.getKey()), e.getValue());
                }
                parameter(span, String.valueOf(e.getKey()), e.getValue());
            }
        }
        dialectKind(span, "generation", "LLM");
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_MODEL_NAME, model);
            if (!params.isEmpty()) {
                span.setAttribute(LF_MODEL_PARAMETERS, toJson(params));
            }
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_MODEL_NAME, model);
            span.setAttribute(OI_PROVIDER, provider);
            if (!params.isEmpty()) {
                span.setAttribute(OI_INVOCATION_PARAMETERS, toJson(params));
            }
        }
        if (!captureContent) {
            return;
        }
        if (p.get("system_message") instanceof String system) {
            span.setAttribute(SYSTEM_INSTRUCTIONS, toJson(List.of(textPart(system))));
        }
        List<Map<String, Object>> messages = inputMessages(p);
        if (!messages.isEmpty()) {
            String messagesJson = toJson(messages);
            span.setAttribute(INPUT_MESSAGES, messagesJson);
            contentInput(span, messagesJson);
            if (dialect == Dialect.OPENINFERENCE) {
                flatMessages(span, OI_INPUT_MESSAGES, messages);
            }
        }
    }

    private static void parameter(Span span, String key, @Nullable Object value) {
        if (value == null) {
            return;
        }
        switch (key) {
            case "temperature" -> doubleAttr(span, REQUEST_TEMPERATURE, value);
            case "top_p" -> doubleAttr(span, REQUEST_TOP_P, value);
            case "top_k" -> doubleAttr(span, REQUEST_TOP_K, value);
            case "frequency_penalty" -> doubleAttr(span, REQUEST_FREQUENCY_PENALTY, value);
            case "presence_penalty" -> doubleAttr(span, REQUEST_PRESENCE_PENALTY, value);
            case "max_tokens", "max_completion_tokens", "max_output_tokens" -> longAttr(span, REQUEST_MAX_TOKENS, value);
            case "seed" -> longAttr(span, REQUEST_SEED, value);
            case "n" -> longAttr(span, REQUEST_CHOICE_COUNT, value);
            case "stream" -> {
                if (value instanceof Boolean b) {
                    span.setAttribute(REQUEST_STREAM, b);
                }
            }
            case "stop", "stop_sequences" -> {
                List<String> stops = new ArrayList<>();
                if (value instanceof List<?> list) {
                    list.forEach(s -> stops.add(String.valueOf(s)));
                } else {
                    stops.add(String.valueOf(value));
                }
                span.setAttribute(REQUEST_STOP_SEQUENCES, stops);
            }
            default -> {
                // Other parameters have no GenAI attribute; the dialects' parameter JSON keeps them.
            }
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
            case LLM_RESPONSE -> llmResponse(span, p, started, firstChunk);
            case TOOL_RESPONSE -> {
                if (p.get("call_id") instanceof String id) {
                    span.setAttribute(TOOL_CALL_ID, id);
                }
                if (Boolean.FALSE.equals(p.get("success"))) {
                    error(span, "tool_error", p.get("error_message"));
                    return true;
                }
                if (captureContent && p.get("response_data") != null) {
                    String result = toJson(p.get("response_data"));
                    span.setAttribute(TOOL_CALL_RESULT, result);
                    contentOutput(span, result);
                }
            }
            case FUNCTION_EXECUTION, CHAIN_END -> {
                if (Boolean.FALSE.equals(p.get("success"))) {
                    error(span, end.type() == EventType.CHAIN_END ? "agent_error" : "tool_error",
                            p.get("error_message"));
                    return true;
                }
                if (captureContent && end.type() == EventType.CHAIN_END && p.get("outputs") != null) {
                    contentOutput(span, toJson(p.get("outputs")));
                }
            }
            case RETRIEVAL_END -> {
                if (captureContent && p.get("documents") instanceof List<?> docs) {
                    String documents = toJson(docs);
                    span.setAttribute(RETRIEVAL_DOCUMENTS, documents);
                    contentOutput(span, documents);
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

    private void llmResponse(Span span, Map<String, @Nullable Object> p, @Nullable Instant started,
            @Nullable Instant firstChunk) {
        Object model = p.get("response_model") instanceof String rm ? rm : p.get("model_name");
        if (model instanceof String m) {
            span.setAttribute(RESPONSE_MODEL, m);
        }
        if (p.get("response_id") instanceof String id) {
            span.setAttribute(RESPONSE_ID, id);
        }
        String finish = p.get("finish_reason") instanceof String f ? f : null;
        if (finish != null) {
            span.setAttribute(RESPONSE_FINISH_REASONS, List.of(finish));
        }
        Long input = null;
        Long output = null;
        Long cached = null;
        Long reasoning = null;
        if (p.get("usage") instanceof Map<?, ?> usage) {
            input = longOrNull(usage.get("prompt_tokens"));
            output = longOrNull(usage.get("completion_tokens"));
            cached = longOrNull(usage.get("cached_tokens"));
            reasoning = longOrNull(usage.get("reasoning_tokens"));
        }
        setLong(span, USAGE_INPUT_TOKENS, input);
        setLong(span, USAGE_OUTPUT_TOKENS, output);
        setLong(span, USAGE_CACHE_READ_INPUT_TOKENS, cached);
        setLong(span, USAGE_REASONING_OUTPUT_TOKENS, reasoning);
        Double cost = p.get("cost") instanceof Number c ? c.doubleValue() : null;
        if (cost != null) {
            span.setAttribute(COST_USD, cost);
        }
        Double ttft = null;
        if (p.get("time_to_first_token_ms") instanceof Number t) {
            ttft = t.doubleValue() / 1000.0;
        } else if (firstChunk != null && started != null) {
            ttft = (firstChunk.toEpochMilli() - started.toEpochMilli()) / 1000.0;
        }
        if (ttft != null) {
            span.setAttribute(RESPONSE_TIME_TO_FIRST_CHUNK, ttft);
        }
        if (dialect == Dialect.LANGFUSE) {
            Map<String, Object> usageDetails = new LinkedHashMap<>();
            putIfSet(usageDetails, "input", input);
            putIfSet(usageDetails, "output", output);
            if (input != null && output != null) {
                usageDetails.put("total", input + output);
            }
            putIfSet(usageDetails, "input_cached_tokens", cached);
            putIfSet(usageDetails, "output_reasoning_tokens", reasoning);
            if (!usageDetails.isEmpty()) {
                span.setAttribute(LF_USAGE_DETAILS, toJson(usageDetails));
            }
            if (cost != null) {
                span.setAttribute(LF_COST_DETAILS, toJson(Map.of("total", cost)));
            }
            if (ttft != null && started != null) {
                span.setAttribute(LF_COMPLETION_START_TIME,
                        started.plusNanos((long) (ttft * 1_000_000_000L)).toString());
            }
        } else if (dialect == Dialect.OPENINFERENCE) {
            setLong(span, OI_TOKENS_PROMPT, input);
            setLong(span, OI_TOKENS_COMPLETION, output);
            if (input != null && output != null) {
                span.setAttribute(OI_TOKENS_TOTAL, input + output);
            }
            setLong(span, OI_TOKENS_CACHE_READ, cached);
            setLong(span, OI_TOKENS_REASONING, reasoning);
            if (cost != null) {
                span.setAttribute(OI_COST_TOTAL, cost);
            }
        }
        if (!captureContent) {
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        List<Map<String, Object>> parts = new ArrayList<>();
        Map<?, ?> responseMessage = p.get("response_message") instanceof Map<?, ?> m ? m : null;
        Object text = responseMessage != null && responseMessage.get("content") != null
                ? responseMessage.get("content") : p.get("response_text");
        if (text instanceof String s && !s.isEmpty()) {
            parts.add(textPart(s));
        }
        if (responseMessage != null) {
            toolCallParts(responseMessage.get("tool_calls"), parts);
        }
        message.put("parts", parts);
        message.put("finish_reason", finish == null ? "stop" : finish);
        List<Map<String, Object>> messages = List.of(message);
        String messagesJson = toJson(messages);
        span.setAttribute(OUTPUT_MESSAGES, messagesJson);
        contentOutput(span, messagesJson);
        if (dialect == Dialect.OPENINFERENCE) {
            flatMessages(span, OI_OUTPUT_MESSAGES, messages);
        }
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

    // ------------------------------------------------------------------ span events

    /** A span event: its name and attributes. */
    record PointEvent(String name, Attributes attributes, boolean failure) {}

    /** The span event for a single event (user input, feedback, metric, error, ...). */
    PointEvent point(Event event) {
        Map<String, @Nullable Object> p = event.payload();
        AttributesBuilder a = Attributes.builder();
        return switch (event.type()) {
            case USER_INPUT -> {
                if (p.get("channel") instanceof String c) {
                    a.put(CHANNEL, c);
                }
                if (captureContent && p.get("input_text") instanceof String text) {
                    a.put(INPUT_MESSAGES, toJson(List.of(Map.of("role", "user", "parts", List.of(textPart(text))))));
                }
                yield new PointEvent(USER_INPUT_EVENT, a.build(), false);
            }
            case USER_FEEDBACK -> {
                a.put(EVALUATION_NAME, str(p, "feedback_type"));
                Object value = p.get("feedback_value");
                if (value instanceof Number n) {
                    a.put(EVALUATION_SCORE_VALUE, n.doubleValue());
                } else if (value instanceof Boolean b) {
                    a.put(EVALUATION_SCORE_VALUE, b ? 1.0 : 0.0);
                    a.put(EVALUATION_SCORE_LABEL, b.toString());
                } else if (value != null) {
                    a.put(EVALUATION_SCORE_LABEL, value.toString());
                }
                if (captureContent && p.get("feedback_text") instanceof String text) {
                    a.put(EVALUATION_EXPLANATION, text);
                }
                yield new PointEvent(EVALUATION_RESULT_EVENT, a.build(), false);
            }
            case PERFORMANCE_METRIC -> {
                a.put(METRIC_NAME, str(p, "metric_name"));
                if (p.get("metric_value") instanceof Number n) {
                    a.put(METRIC_VALUE, n.doubleValue());
                }
                if (p.get("metric_unit") instanceof String u) {
                    a.put(METRIC_UNIT, u);
                }
                if (p.get("metric_type") instanceof String t) {
                    a.put(METRIC_TYPE, t);
                }
                yield new PointEvent(METRIC_EVENT, a.build(), false);
            }
            case AGENT_RESPONSE -> {
                if (captureContent && p.get("response_text") instanceof String text) {
                    a.put(OUTPUT_MESSAGES, toJson(List.of(Map.of("role", "assistant", "parts",
                            List.of(textPart(text)), "finish_reason", "stop"))));
                }
                yield new PointEvent(AGENT_RESPONSE_EVENT, a.build(), false);
            }
            case AGENT_REASONING -> {
                a.put(REASONING_TYPE, str(p, "reasoning_type"));
                if (p.get("confidence_score") instanceof Number n) {
                    a.put(CONFIDENCE, n.doubleValue());
                }
                if (captureContent && p.get("reasoning_steps") != null) {
                    a.put(CONTENT, toJson(p.get("reasoning_steps")));
                }
                yield new PointEvent(AGENT_REASONING_EVENT, a.build(), false);
            }
            case AGENT_PLANNING -> {
                a.put(PLAN_TYPE, str(p, "plan_type"));
                if (p.get("plan_confidence") instanceof Number n) {
                    a.put(CONFIDENCE, n.doubleValue());
                }
                if (captureContent && p.get("planned_actions") != null) {
                    a.put(CONTENT, toJson(p.get("planned_actions")));
                }
                yield new PointEvent(AGENT_PLANNING_EVENT, a.build(), false);
            }
            case ERROR, VALIDATION_ERROR, TIMEOUT_ERROR -> {
                String type = event.type() == EventType.ERROR ? str(p, "error_type") : event.type().wireValue();
                a.put(EXCEPTION_TYPE, type);
                Object message = event.type() == EventType.ERROR ? p.get("error_message")
                        : event.type() == EventType.TIMEOUT_ERROR ? "timed out after " + p.get("timeout_duration_ms")
                                + " ms" : "validation of " + p.get("validation_target") + " failed";
                if (message != null) {
                    a.put(EXCEPTION_MESSAGE, message.toString());
                }
                if (p.get("stack_trace") instanceof String trace) {
                    a.put(EXCEPTION_STACKTRACE, trace);
                }
                yield new PointEvent(EXCEPTION_EVENT, a.build(), true);
            }
            default -> {
                if (p.get("name") instanceof String name) {
                    a.put(CUSTOM_NAME, name);
                }
                if (captureContent && p.get("data") != null) {
                    a.put(CONTENT, toJson(p.get("data")));
                }
                yield new PointEvent(event.type() == EventType.CUSTOM_EVENT ? CUSTOM_EVENT
                        : "insidellm." + event.type().wireValue(), a.build(), false);
            }
        };
    }

    /** Attributes of a carrier span (a span event whose target span had ended). */
    void carrier(Span span, Event event) {
        common(span, event);
        span.setAttribute(CARRIER, true);
    }

    // ------------------------------------------------------------------ content helpers

    /** {@code messages} in the OpenAI chat format, or the prompt, as the conventions' input messages. */
    private List<Map<String, Object>> inputMessages(Map<String, @Nullable Object> p) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (p.get("messages") instanceof List<?> messages && !messages.isEmpty()) {
            for (Object m : messages) {
                if (!(m instanceof Map<?, ?> msg)) {
                    continue;
                }
                String role = msg.get("role") instanceof String r ? r : "user";
                List<Map<String, Object>> parts = new ArrayList<>();
                Object content = msg.get("content");
                if (role.equals("tool")) {
                    Map<String, Object> part = new LinkedHashMap<>();
                    part.put("type", "tool_call_response");
                    if (msg.get("tool_call_id") != null) {
                        part.put("id", String.valueOf(msg.get("tool_call_id")));
                    }
                    part.put("result", content == null ? "" : content);
                    parts.add(part);
                } else if (content instanceof String s) {
                    parts.add(textPart(s));
                } else if (content instanceof List<?> list) {
                    for (Object item : list) {
                        if (item instanceof Map<?, ?> im && im.get("text") instanceof String t) {
                            parts.add(textPart(t));
                        }
                    }
                }
                toolCallParts(msg.get("tool_calls"), parts);
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("role", role);
                message.put("parts", parts);
                out.add(message);
            }
        } else if (p.get("prompt") instanceof String prompt) {
            out.add(Map.of("role", "user", "parts", List.of(textPart(prompt))));
        }
        return out;
    }

    /** OpenAI-format tool calls as {@code tool_call} parts, arguments parsed to an object when they are JSON. */
    private void toolCallParts(@Nullable Object toolCalls, List<Map<String, Object>> parts) {
        if (!(toolCalls instanceof List<?> calls)) {
            return;
        }
        for (Object c : calls) {
            if (!(c instanceof Map<?, ?> call)) {
                continue;
            }
            Map<?, ?> function = call.get("function") instanceof Map<?, ?> f ? f : call;
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("type", "tool_call");
            if (call.get("id") != null) {
                part.put("id", String.valueOf(call.get("id")));
            }
            part.put("name", String.valueOf(function.get("name")));
            Object args = function.get("arguments");
            if (args instanceof String s) {
                try {
                    args = json.readValue(s, Object.class);
                } catch (JsonProcessingException e) {
                    // Not JSON: keep the string, as the conventions allow.
                }
            }
            part.put("arguments", args);
            parts.add(part);
        }
    }

    private void flatMessages(Span span, String prefix, List<Map<String, Object>> messages) {
        for (int i = 0; i < messages.size(); i++) {
            Map<String, Object> m = messages.get(i);
            span.setAttribute(AttributeKey.stringKey(prefix + i + ".message.role"), String.valueOf(m.get("role")));
            StringBuilder text = new StringBuilder();
            if (m.get("parts") instanceof List<?> parts) {
                for (Object part : parts) {
                    if (part instanceof Map<?, ?> pm && "text".equals(pm.get("type"))) {
                        text.append(pm.get("content"));
                    }
                }
            }
            span.setAttribute(AttributeKey.stringKey(prefix + i + ".message.content"), text.toString());
        }
    }

    private void contentInput(Span span, String value) {
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_INPUT, value);
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_INPUT_VALUE, value);
            span.setAttribute(OI_INPUT_MIME, JSON_MIME);
        }
    }

    private void contentOutput(Span span, String value) {
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_OUTPUT, value);
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_OUTPUT_VALUE, value);
            span.setAttribute(OI_OUTPUT_MIME, JSON_MIME);
        }
    }

    private void dialectKind(Span span, String langfuseType, String openInferenceKind) {
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_OBSERVATION_TYPE, langfuseType);
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_SPAN_KIND, openInferenceKind);
        }
    }

    private static Map<String, Object> textPart(String text) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("type", "text");
        part.put("content", text);
        return part;
    }

    String toJson(@Nullable Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static String str(Map<String, @Nullable Object> p, String key) {
        Object v = p.get(key);
        return v == null ? "unknown" : v.toString();
    }

    private static @Nullable Long longOrNull(@Nullable Object v) {
        return v instanceof Number n ? n.longValue() : null;
    }

    private static void setLong(Span span, AttributeKey<Long> key, @Nullable Long value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }

    private static void putIfSet(Map<String, Object> map, String key, @Nullable Long value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void doubleAttr(Span span, AttributeKey<Double> key, Object value) {
        if (value instanceof Number n) {
            span.setAttribute(key, n.doubleValue());
        }
    }

    private static void longAttr(Span span, AttributeKey<Long> key, Object value) {
        if (value instanceof Number n) {
            span.setAttribute(key, n.longValue());
        }
    }
}
