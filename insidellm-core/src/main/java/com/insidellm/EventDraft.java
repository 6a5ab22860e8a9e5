package com.insidellm;

import com.insidellm.internal.EventFields;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The event an {@link Event.Builder} is assembling, and what the SDK itself does with a builder besides the public
 * setters: it sets ids it generated or already checked without checking them again ({@link CallRecorder}, on the
 * caller's hot path), copies an existing event into it ({@link Event#toBuilder()}), and builds it (the required
 * fields, then the event in its payload's own form). Apart from the builder so that the public class holds only the
 * checked, fluent API users write against. The builder's superclass rather than a field it holds: a builder is
 * allocated on the caller's hot path, and the draft adds no allocation and no indirection to it. Not thread-safe.
 */
abstract class EventDraft {

    final EventType type;
    @Nullable String eventId;
    @Nullable String runId;
    @Nullable Instant timestamp;
    @Nullable String userId;
    @Nullable String parentEventId;
    @Nullable Map<String, Object> metadata;
    final PayloadDraft payload;

    EventDraft(EventType type) {
        this.type = type;
        this.payload = new PayloadDraft(type);
    }

    /** The event id set so far, or {@code null}. */
    final @Nullable String eventIdOrNull() {
        return eventId;
    }

    /** Sets an id this SDK generated ({@link CallRecorder#newId()}): no need to check it is a UUID. */
    final void trustedEventId(String eventId) {
        this.eventId = eventId;
    }

    /** Sets a run id already known to be a canonical UUID (checked once by {@link CallRecorder}). */
    final void trustedRunId(String runId) {
        this.runId = runId;
    }

    /** Sets a parent id this SDK generated, or none. */
    final void trustedParentEventId(@Nullable String parentEventId) {
        this.parentEventId = parentEventId;
    }

    /** The run id set so far (canonical), or {@code null}. */
    final @Nullable String runIdOrNull() {
        return runId;
    }

    /**
     * Takes {@code event}'s fields, for {@link Event#toBuilder()}: its {@code typed} payload (already described) and
     * the {@code extras} beside it stay the record and the shared map, so a processor that swaps the typed payload
     * never builds the event's map; an event built from a map gives its map.
     */
    final void copy(Event event, @Nullable Payload typed, @Nullable Map<String, @Nullable Object> extras) {
        eventId = event.eventId();
        runId = event.runId();
        timestamp = event.timestamp();
        userId = event.userId();
        parentEventId = event.parentEventId();
        Map<String, Object> eventMetadata = event.metadata();
        if (eventMetadata != null) {
            metadata = new LinkedHashMap<>(eventMetadata);
        }
        if (typed != null) {
            payload.typed(typed, extras);
        } else {
            payload.map(event.payload());
        }
    }

    /**
     * Checks the required fields and builds the event in its payload's own form: a description for later, a typed
     * record (with the keys set beside it), or a map in wire order.
     *
     * @throws IllegalArgumentException naming the field when a required field is missing or malformed
     */
    final Event toEvent() {
        String run = runId;
        if (run == null) {
            throw new IllegalArgumentException("run_id is required: call runId(...) on the " + type
                    + " event builder");
        }
        String user = userId;
        if (user == null) {
            throw new IllegalArgumentException("user_id is required: call userId(...) on the " + type
                    + " event builder");
        }
        LaterPayload later = payload.later();
        if (later != null) {
            return new Event(this, run, user, null, later, EventFields.copyMetadata(metadata));
        }
        Payload typed = payload.typed();
        if (typed != null) {
            // A typed payload is complete and in wire order, and its record checked the required fields.
            return new Event(eventId, run, timestamp, user, parentEventId, typed, payload.shareExtras(),
                    EventFields.copyMetadata(metadata));
        }
        return new Event(this, run, user, Collections.unmodifiableMap(payload.shareNormalized()), null,
                EventFields.copyMetadata(metadata));
    }
}
