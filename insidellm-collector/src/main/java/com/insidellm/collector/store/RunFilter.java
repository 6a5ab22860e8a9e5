package com.insidellm.collector.store;

import org.jspecify.annotations.Nullable;

/**
 * Which runs to list: a run matches when it belongs to {@code user}, called {@code model}, has (or has not) errors,
 * and overlaps {@code [fromMicros, toMicros)}. Null means no condition. Internal; immutable.
 */
public record RunFilter(@Nullable String user, @Nullable String model, @Nullable Boolean hasErrors,
        @Nullable Long fromMicros, @Nullable Long toMicros) {}
