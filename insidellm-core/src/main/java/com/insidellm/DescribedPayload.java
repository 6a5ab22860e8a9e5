package com.insidellm;

import java.util.Map;
import java.util.Objects;

/**
 * A payload described later ({@link Event.Builder#payloadLater}): the typed payload and the entries beside its
 * fields, in order. Immutable when {@code entries} is.
 *
 * @param payload the typed payload
 * @param entries further payload keys (none of the type's fields), in wire order
 */
public record DescribedPayload(Payload payload, Map<String, ?> entries) {

    /** Checks that both parts are set. */
    public DescribedPayload {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(entries, "entries");
    }
}
