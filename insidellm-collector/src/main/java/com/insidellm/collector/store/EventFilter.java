package com.insidellm.collector.store;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which events to read, shared by the events query and the live tail so both understand the same conditions. Null
 * (or an empty list or map) means no condition; all conditions must hold. Internal; immutable.
 *
 * @param text a string anywhere in the payload, case-insensitively for ASCII
 * @param callType an {@code llm.request} whose {@link StoredEvent.Details#callType() call type} is this (compared in
 *     lower case), and the events whose parent is such a request (its response, its error)
 * @param trace events whose {@link StoredEvent.Details#traceId() trace id} is this, in whichever run
 * @param tag events carrying this tag ({@link StoredEvent.Details#tags()})
 * @param metadata events whose {@code metadata} has each key with the value: a string, a number or boolean written
 *     as text ({@code 42}, {@code true}), or a list holding the value
 */
public record EventFilter(
        List<String> types,
        @Nullable Boolean errors,
        @Nullable String model,
        @Nullable String provider,
        @Nullable String user,
        @Nullable String run,
        @Nullable Long fromMicros,
        @Nullable Long toMicros,
        @Nullable String text,
        @Nullable String callType,
        @Nullable String trace,
        @Nullable String tag,
        Map<String, String> metadata) {

    /** Copies {@code types} and {@code metadata}. */
    public EventFilter {
        types = List.copyOf(types);
        metadata = Map.copyOf(metadata);
    }

    /** A filter without the call type, trace, tag and metadata conditions. */
    public EventFilter(List<String> types, @Nullable Boolean errors, @Nullable String model, @Nullable String provider,
            @Nullable String user, @Nullable String run, @Nullable Long fromMicros, @Nullable Long toMicros,
            @Nullable String text) {
        this(types, errors, model, provider, user, run, fromMicros, toMicros, text, null, null, null, Map.of());
    }

    /** A filter that matches everything. */
    public static EventFilter all() {
        return new EventFilter(List.of(), null, null, null, null, null, null, null, null);
    }
}
