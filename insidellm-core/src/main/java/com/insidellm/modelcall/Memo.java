package com.insidellm.modelcall;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A value described once, when first asked for, by whichever thread asks first (the flusher describing an event, the
 * threading drain, a caller): a request or answer described later is asked for by its event and by automatic
 * threading, and must be read once. A description that fails fails every ask, without being tried again. Threads
 * that race may each describe it; the descriptions read data no one changes, so they are equal. Thread-safe.
 */
final class Memo<T> implements Supplier<T> {

    private volatile @Nullable Supplier<? extends T> description;
    private volatile @Nullable T value;
    private volatile @Nullable RuntimeException failure;

    Memo(Supplier<? extends T> description) {
        this.description = Objects.requireNonNull(description, "description");
    }

    /** A memo of a value already known. */
    static <T> Supplier<T> of(T value) {
        return () -> value;
    }

    @Override
    public T get() {
        T known = value;
        if (known != null) {
            return known;
        }
        RuntimeException failed = failure;
        if (failed != null) {
            throw failed;
        }
        Supplier<? extends T> describe = description;
        if (describe == null) {
            // Another thread described it between the reads above: its value was written before this was cleared.
            return get();
        }
        T described;
        try {
            described = Objects.requireNonNull(describe.get(), "the description");
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
        value = described;
        // Dropped once described, so the data it reads (a copy of a body) is not kept with the value.
        description = null;
        return described;
    }
}
