package com.insidellm.opentelemetry;

import static com.insidellm.opentelemetry.GenAiMapping.COST_USD;
import static com.insidellm.opentelemetry.GenAiMapping.LF_COMPLETION_START_TIME;
import static com.insidellm.opentelemetry.GenAiMapping.LF_COST_DETAILS;
import static com.insidellm.opentelemetry.GenAiMapping.LF_MODEL_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.LF_MODEL_PARAMETERS;
import static com.insidellm.opentelemetry.GenAiMapping.LF_USAGE_DETAILS;
import static com.insidellm.opentelemetry.GenAiMapping.OI_COST_TOTAL;
import static com.insidellm.opentelemetry.GenAiMapping.OI_INVOCATION_PARAMETERS;
import static com.insidellm.opentelemetry.GenAiMapping.OI_MODEL_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.OI_PROVIDER;
import static com.insidellm.opentelemetry.GenAiMapping.OI_TOKENS_CACHE_READ;
import static com.insidellm.opentelemetry.GenAiMapping.OI_TOKENS_COMPLETION;
import static com.insidellm.opentelemetry.GenAiMapping.OI_TOKENS_PROMPT;
import static com.insidellm.opentelemetry.GenAiMapping.OI_TOKENS_REASONING;
import static com.insidellm.opentelemetry.GenAiMapping.OI_TOKENS_TOTAL;
import static com.insidellm.opentelemetry.GenAiMapping.OPERATION_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.PROVIDER_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_CHOICE_COUNT;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_FREQUENCY_PENALTY;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_MAX_TOKENS;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_MODEL;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_PRESENCE_PENALTY;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_SEED;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_STOP_SEQUENCES;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_STREAM;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_TEMPERATURE;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_TOP_K;
import static com.insidellm.opentelemetry.GenAiMapping.REQUEST_TOP_P;
import static com.insidellm.opentelemetry.GenAiMapping.RESPONSE_FINISH_REASONS;
import static com.insidellm.opentelemetry.GenAiMapping.RESPONSE_ID;
import static com.insidellm.opentelemetry.GenAiMapping.RESPONSE_MODEL;
import static com.insidellm.opentelemetry.GenAiMapping.RESPONSE_TIME_TO_FIRST_CHUNK;
import static com.insidellm.opentelemetry.GenAiMapping.USAGE_CACHE_READ_INPUT_TOKENS;
import static com.insidellm.opentelemetry.GenAiMapping.USAGE_INPUT_TOKENS;
import static com.insidellm.opentelemetry.GenAiMapping.USAGE_OUTPUT_TOKENS;
import static com.insidellm.opentelemetry.GenAiMapping.USAGE_REASONING_OUTPUT_TOKENS;
import static com.insidellm.opentelemetry.GenAiMapping.operation;
import static com.insidellm.opentelemetry.GenAiMapping.providerName;
import static com.insidellm.opentelemetry.GenAiMapping.str;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The span attributes of a model call ({@code llm.request} + {@code llm.response}): the GenAI request, response and
 * usage attributes and the {@link Dialect}s' copies of them. Immutable and thread-safe.
 */
final class GenAiLlmAttributes {

    private final Dialect dialect;
    private final GenAiContent content;

    GenAiLlmAttributes(Dialect dialect, GenAiContent content) {
        this.dialect = dialect;
        this.content = content;
    }

    /** A model call's request: operation, provider, model, parameters. */
    void request(Span span, Map<String, @Nullable Object> p) {
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
        content.kind(span, "generation", "LLM");
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_MODEL_NAME, model);
            if (!params.isEmpty()) {
                span.setAttribute(LF_MODEL_PARAMETERS, content.toJson(params));
            }
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_MODEL_NAME, model);
            span.setAttribute(OI_PROVIDER, provider);
            if (!params.isEmpty()) {
                span.setAttribute(OI_INVOCATION_PARAMETERS, content.toJson(params));
            }
        }
        content.llmInput(span, p);
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
     * A model call's answer: response model and id, finish reason, token usage, cost, time to first chunk.
     *
     * @param firstChunk when the first streamed chunk arrived, or {@code null}
     */
    void response(Span span, Map<String, @Nullable Object> p, @Nullable Instant started,
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
                span.setAttribute(LF_USAGE_DETAILS, content.toJson(usageDetails));
            }
            if (cost != null) {
                span.setAttribute(LF_COST_DETAILS, content.toJson(Map.of("total", cost)));
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
        content.llmOutput(span, p, finish);
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
