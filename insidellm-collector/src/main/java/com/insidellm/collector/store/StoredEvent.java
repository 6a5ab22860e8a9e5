package com.insidellm.collector.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated event: its raw JSON plus the columns the store filters and aggregates on. Internal.
 *
 * @param timestampMicros the event's timestamp in microseconds since the epoch
 * @param latencyMs response or execution time reported by the event, if any
 * @param details the further values the query API filters and aggregates on (call type, trace, tags, names, scores)
 */
public record StoredEvent(
        String eventId,
        String runId,
        @Nullable String parentEventId,
        String eventType,
        String userId,
        long timestampMicros,
        @Nullable String model,
        @Nullable String provider,
        @Nullable Long promptTokens,
        @Nullable Long completionTokens,
        @Nullable Long totalTokens,
        @Nullable Double cost,
        @Nullable Double latencyMs,
        boolean error,
        String rawJson,
        Details details) {

    /** An event without {@link Details} (none of the values it holds). */
    public StoredEvent(String eventId, String runId, @Nullable String parentEventId, String eventType, String userId,
            long timestampMicros, @Nullable String model, @Nullable String provider, @Nullable Long promptTokens,
            @Nullable Long completionTokens, @Nullable Long totalTokens, @Nullable Double cost,
            @Nullable Double latencyMs, boolean error, String rawJson) {
        this(eventId, runId, parentEventId, eventType, userId, timestampMicros, model, provider, promptTokens,
                completionTokens, totalTokens, cost, latencyMs, error, rawJson, Details.NONE);
    }

    /**
     * Values read from an event for the query API, each null (or empty) when the event does not carry it. A store keeps
     * them so that it can filter and aggregate without parsing the raw JSON again.
     *
     * @param callType {@code payload.call_type} (an {@code llm.request}'s kind: chat, rag_query, …), else {@code
     *     metadata.call_type}; lower case
     * @param traceId {@code metadata.trace_id}: ties the runs of one pipeline together
     * @param tags {@code metadata.tags} and {@code payload.tags} (a list, or one string), de-duplicated, in order
     * @param name what the event is about: the tool name ({@code tool.*}), function name ({@code
     *     function_execution}), chain name ({@code chain.*}) or feedback type ({@code user.feedback})
     * @param runName {@code metadata.run_name}, the run's name
     * @param inputText a {@code user.input}'s {@code input_text}, cut to {@value #MAX_INPUT_TEXT} characters
     * @param score a {@code user.feedback}'s value as a number: numbers as they are, true/false as 1/0, and words such
     *     as {@code thumbs_up}/{@code positive} (1) or {@code thumbs_down}/{@code negative} (0); null when it is none of
     *     these
     * @param timeToFirstTokenMs an {@code llm.response}'s {@code time_to_first_token_ms}
     */
    public record Details(
            @Nullable String callType,
            @Nullable String traceId,
            List<String> tags,
            @Nullable String name,
            @Nullable String runName,
            @Nullable String inputText,
            @Nullable Double score,
            @Nullable Double timeToFirstTokenMs) {

        /** Longest {@link #inputText} kept, in characters; the run list shows the beginning only. */
        public static final int MAX_INPUT_TEXT = 500;

        /** No values. */
        public static final Details NONE = new Details(null, null, List.of(), null, null, null, null, null);

        /** Copies {@code tags}. */
        public Details {
            tags = List.copyOf(tags);
        }
    }
}
