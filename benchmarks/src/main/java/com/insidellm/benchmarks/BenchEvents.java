package com.insidellm.benchmarks;

import com.insidellm.Event;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import com.segment.analytics.messages.TrackMessage;
import java.util.Map;

/**
 * The one event every benchmark records, in each library's own shape: an {@code llm.response} with about 1 KB of
 * response text and the attributes an application would attach (model, provider, finish reason, token counts,
 * latency, cost, run and user). Every call builds the event afresh from the same constant strings, as application
 * code would.
 */
final class BenchEvents {

    static final String RUN_ID = "5f0c6a2e-8d0b-4c4e-9a57-0f3b2d1c9e11";
    static final String USER_ID = "user-123";
    static final String MODEL = "gpt-4o-mini";
    static final String PROVIDER = "openai";
    static final String FINISH_REASON = "stop";
    static final int PROMPT_TOKENS = 812;
    static final int COMPLETION_TOKENS = 256;
    static final long RESPONSE_TIME_MS = 1_234;
    static final double COST = 0.00042;
    /** About 1 KB of plain English, the size of a short chat answer. */
    static final String RESPONSE_TEXT = responseText();

    private static final AttributeKey<String> OTEL_EVENT_TYPE = AttributeKey.stringKey("event.type");
    private static final AttributeKey<String> OTEL_RUN_ID = AttributeKey.stringKey("run_id");
    private static final AttributeKey<String> OTEL_USER_ID = AttributeKey.stringKey("user_id");
    private static final AttributeKey<String> OTEL_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    private static final AttributeKey<String> OTEL_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    private static final AttributeKey<String> OTEL_FINISH = AttributeKey.stringKey("gen_ai.response.finish_reasons");
    private static final AttributeKey<Long> OTEL_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Long> OTEL_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    private static final AttributeKey<Long> OTEL_RESPONSE_TIME = AttributeKey.longKey("response_time_ms");
    private static final AttributeKey<Double> OTEL_COST = AttributeKey.doubleKey("cost");

    private BenchEvents() {
    }

    private static String responseText() {
        String sentence = "The quarterly report shows revenue growth of twelve percent, driven by the new API tier. ";
        StringBuilder text = new StringBuilder(1100);
        while (text.length() < 1000) {
            text.append(sentence);
        }
        return text.toString();
    }

    private static final String[] WORDS = ("the a of to and in that is for on with as was revenue growth quarter "
            + "customer API model latency tokens cost report team product market user request response data cloud "
            + "region percent increase decrease forecast analysis risk plan support release feature usage billing "
            + "contract renewal churn margin budget hiring roadmap incident outage fix deploy review").split(" ");

    /**
     * About 1 KB of different text each time (words drawn from a small vocabulary), so that compression sees
     * realistic input rather than the same sentence over and over.
     */
    static String variedText(java.util.SplittableRandom random) {
        StringBuilder text = new StringBuilder(1100);
        while (text.length() < 1000) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return text.toString();
    }

    /** An {@code llm.response} like {@link #insideLlm()} with the given response text. */
    static Event insideLlm(String responseText) {
        return Event.of(RUN_ID, USER_ID, new Payload.LlmResponse(MODEL, PROVIDER, responseText, FINISH_REASON,
                TokenUsage.of(PROMPT_TOKENS, COMPLETION_TOKENS), RESPONSE_TIME_MS, COST));
    }

    /** The InsideLLM event: a typed {@code llm.response}; id and timestamp are generated. */
    static Event insideLlm() {
        return Event.of(RUN_ID, USER_ID, new Payload.LlmResponse(MODEL, PROVIDER, RESPONSE_TEXT, FINISH_REASON,
                TokenUsage.of(PROMPT_TOKENS, COMPLETION_TOKENS), RESPONSE_TIME_MS, COST));
    }

    /** The same content as an OpenTelemetry log record (the response text is the body); emits it. */
    static void emitOpenTelemetry(Logger logger) {
        logger.logRecordBuilder()
                .setSeverity(Severity.INFO)
                .setBody(RESPONSE_TEXT)
                .setAttribute(OTEL_EVENT_TYPE, "llm.response")
                .setAttribute(OTEL_RUN_ID, RUN_ID)
                .setAttribute(OTEL_USER_ID, USER_ID)
                .setAttribute(OTEL_MODEL, MODEL)
                .setAttribute(OTEL_PROVIDER, PROVIDER)
                .setAttribute(OTEL_FINISH, FINISH_REASON)
                .setAttribute(OTEL_INPUT_TOKENS, (long) PROMPT_TOKENS)
                .setAttribute(OTEL_OUTPUT_TOKENS, (long) COMPLETION_TOKENS)
                .setAttribute(OTEL_RESPONSE_TIME, RESPONSE_TIME_MS)
                .setAttribute(OTEL_COST, COST)
                .emit();
    }

    /** The same content as a Segment track message; message id and timestamp are generated by {@code offer}. */
    static TrackMessage.Builder segment() {
        return TrackMessage.builder("llm.response")
                .userId(USER_ID)
                .properties(Map.of(
                        "run_id", RUN_ID,
                        "response_text", RESPONSE_TEXT,
                        "model_name", MODEL,
                        "provider", PROVIDER,
                        "finish_reason", FINISH_REASON,
                        "prompt_tokens", PROMPT_TOKENS,
                        "completion_tokens", COMPLETION_TOKENS,
                        "response_time_ms", RESPONSE_TIME_MS,
                        "cost", COST));
    }
}
