package com.insidellm.collector.store;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which runs to list: a run matches when it belongs to {@code user}, called {@code model}, has (or has not) errors,
 * and overlaps {@code [fromMicros, toMicros)}; and when at least one of its events has the call type, the trace id,
 * the tag, and (one event) all the metadata values, as {@link EventFilter} reads those conditions. Null (or an empty
 * map) means no condition. Internal; immutable.
 */
public record RunFilter(@Nullable String user, @Nullable String model, @Nullable Boolean hasErrors,
        @Nullable Long fromMicros, @Nullable Long toMicros, @Nullable String callType, @Nullable String trace,
        @Nullable String tag, Map<String, String> metadata) {

    /** Copies {@code metadata}. */
    public RunFilter {
        metadata = Map.copyOf(metadata);
    }

    /** A filter without the call type, trace, tag and metadata conditions. */
    public RunFilter(@Nullable String user, @Nullable String model, @Nullable Boolean hasErrors,
            @Nullable Long fromMicros, @Nullable Long toMicros) {
        this(user, model, hasErrors, fromMicros, toMicros, null, null, null, Map.of());
    }
}
