package com.insidellm.collector.store;

import org.jspecify.annotations.Nullable;

/**
 * A validated event: its raw JSON plus the columns the store filters and aggregates on. Internal.
 *
 * @param timestampMicros the event's timestamp in microseconds since the epoch
 * @param latencyMs response or execution time reported by the event, if any
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
        String rawJson) {}
