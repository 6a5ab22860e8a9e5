package com.insidellm.collector.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which events to read, shared by the events query and the live tail so both understand the same conditions. Null
 * (or an empty {@code types}) means no condition; {@code text} matches a string anywhere in the payload,
 * case-insensitively for ASCII. Internal; immutable.
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
        @Nullable String text) {

    /** Copies {@code types}. */
    public EventFilter {
        types = List.copyOf(types);
    }

    /** A filter that matches everything. */
    public static EventFilter all() {
        return new EventFilter(List.of(), null, null, null, null, null, null, null, null);
    }
}
