package com.insidellm;

import com.insidellm.internal.PayloadSizes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A payload set with {@link Event.Builder#payloadLater}: its description, asked when the payload is first needed
 * (normally on the flusher), the entries set after it, and the size the client's queue counts for it. Apart from
 * {@link Event} because it is one job of its own: checking and merging what the description gives. Immutable.
 */
final class LaterPayload {

    private final Supplier<? extends DescribedPayload> description;
    /** Entries set with {@link Event.Builder#payloadEntry} after the description, or {@code null}. */
    private final @Nullable Map<String, @Nullable Object> entries;
    private final int estimatedBytes;

    LaterPayload(Supplier<? extends DescribedPayload> description, @Nullable Map<String, @Nullable Object> entries,
            int estimatedBytes) {
        this.description = description;
        this.entries = entries;
        this.estimatedBytes = estimatedBytes + (entries == null ? 0 : PayloadSizes.estimate(entries, 0));
    }

    /** The description's rough size plus the later entries': what the queue's memory bound counts. */
    int estimatedBytes() {
        return estimatedBytes;
    }

    /**
     * Asks the description: its typed payload, checked to be of {@code type}, and its entries followed by the later
     * ones ({@code null} when there are none). Throws what the description throws.
     */
    Described describe(EventType type) {
        DescribedPayload described = Objects.requireNonNull(description.get(), "the later payload");
        Payload typed = described.payload();
        if (typed.type() != type) {
            throw new IllegalArgumentException("payload is for " + typed.type() + " but the event is " + type);
        }
        Map<String, @Nullable Object> merged = null;
        if (!described.entries().isEmpty() || entries != null) {
            merged = new LinkedHashMap<>(described.entries());
            if (entries != null) {
                merged.putAll(entries);
            }
        }
        return new Described(typed, merged);
    }

    /** What a description gave: the typed payload and the entries beside its fields, or {@code null}. */
    record Described(Payload payload, @Nullable Map<String, @Nullable Object> extras) {
    }
}
