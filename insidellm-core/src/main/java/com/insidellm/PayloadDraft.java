package com.insidellm;

import com.insidellm.internal.EventFields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The payload an {@link Event.Builder} is assembling: a typed {@link Payload} kept as the record with extra keys
 * beside it (its map is built later, on the flusher), or a map. Apart from the builder because its rule — never
 * build a map on the caller's thread, never copy one the events already built still share — is the one subtle part
 * of building an event. Not thread-safe (one builder's).
 */
final class PayloadDraft {

    private final EventType type;
    /** The map payload; made when first needed (most events have a typed payload and never need one). */
    private @Nullable Map<String, @Nullable Object> map;
    /** Whether {@link #map} is also the payload of an event already built (copy before changing it). */
    private boolean mapShared;
    /** The typed payload, while the payload is that record (plus {@link #extras}); its map is built when needed. */
    private @Nullable Payload typed;
    /** Keys beside {@link #typed}'s fields, set with {@link #entry}; copied before a change when shared. */
    private @Nullable Map<String, @Nullable Object> extras;
    private boolean extrasShared;
    /** The description set with {@link #later}, or {@code null}; then entries go to {@link #laterEntries}. */
    private @Nullable Supplier<? extends DescribedPayload> later;
    private int laterBytes;
    private @Nullable Map<String, @Nullable Object> laterEntries;

    PayloadDraft(EventType type) {
        this.type = type;
    }

    /** Replaces the payload with {@code payload}, whose type must be the event's. */
    void typed(Payload payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.type() != type) {
            throw new IllegalArgumentException("payload is for " + payload.type() + " but the event is " + type);
        }
        this.typed = payload;
        this.extras = null;
        this.later = null;
    }

    /** The payload of an existing event: its record and the extras it shares (copied before a change). */
    void typed(Payload payload, @Nullable Map<String, @Nullable Object> sharedExtras) {
        this.typed = payload;
        this.extras = sharedExtras;
        this.extrasShared = true;
    }

    /** Replaces the payload with (a copy of) {@code payload}. */
    void map(Map<String, ?> payload) {
        Objects.requireNonNull(payload, "payload");
        this.map = new LinkedHashMap<>(payload);
        this.mapShared = false;
        this.typed = null;
        this.extras = null;
        this.later = null;
    }

    /** Replaces the payload with what {@code description} gives when first needed ({@code payloadLater}). */
    void later(Supplier<? extends DescribedPayload> description, int estimatedBytes) {
        Objects.requireNonNull(description, "description");
        if (estimatedBytes < 0) {
            throw new IllegalArgumentException("estimatedBytes must not be negative, but was " + estimatedBytes);
        }
        this.map = null;
        this.typed = null;
        this.extras = null;
        this.later = description;
        this.laterBytes = estimatedBytes;
        this.laterEntries = null;
    }

    /** The payload set with {@link #later}, with (a copy of) the entries set after it; {@code null} when none. */
    @Nullable LaterPayload later() {
        Supplier<? extends DescribedPayload> description = later;
        // Copied: the builder may go on changing its entries after the event is built.
        return description == null ? null
                : new LaterPayload(description, laterEntries == null ? null : new LinkedHashMap<>(laterEntries),
                        laterBytes);
    }

    /** Sets one key, adding to whatever payload was set. */
    void entry(String key, @Nullable Object value) {
        Objects.requireNonNull(key, "key");
        if (later != null) {
            if (type.hasPayloadField(key)) {
                throw new IllegalArgumentException(key + " is a field of the later payload: set it there");
            }
            if (laterEntries == null) {
                laterEntries = new LinkedHashMap<>(4);
            }
            laterEntries.put(key, value);
            return;
        }
        if (typed != null && !type.hasPayloadField(key)) {
            // A key the type does not have: kept beside the record, so no map is built on the caller's thread.
            if (extras == null || extrasShared) {
                extras = extras == null ? new LinkedHashMap<>(4) : new LinkedHashMap<>(extras);
                extrasShared = false;
            }
            extras.put(key, value);
            return;
        }
        if (typed != null) {
            this.map = toMap(typed, extras);
            this.extras = null;
            this.mapShared = false;
            this.typed = null;
        }
        Map<String, @Nullable Object> own = map;
        if (own == null) {
            own = new LinkedHashMap<>();
        } else if (mapShared) {
            own = new LinkedHashMap<>(own);
        }
        this.map = own;
        this.mapShared = false;
        own.put(key, value);
    }

    /**
     * A new map of {@code typed}'s fields in wire order followed by {@code extras}: every {@link Payload#toMap()}
     * returns a new map, so the caller owns it.
     */
    static Map<String, @Nullable Object> toMap(Payload typed, @Nullable Map<String, @Nullable Object> extras) {
        Map<String, @Nullable Object> fields = typed.toMap();
        if (extras != null) {
            fields.putAll(extras);
        }
        return fields;
    }

    /** The typed payload, or {@code null} when the payload is a map. */
    @Nullable Payload typed() {
        return typed;
    }

    /** The extras beside the typed payload, now shared with an event (a later change copies them first). */
    @Nullable Map<String, @Nullable Object> shareExtras() {
        if (extras != null) {
            extrasShared = true;
        }
        return extras;
    }

    /** The map payload with the type's fields in wire order, now shared with an event. */
    Map<String, @Nullable Object> shareNormalized() {
        Map<String, @Nullable Object> map = this.map;
        if (map == null) {
            map = new LinkedHashMap<>();
            this.map = map;
        }
        if (EventFields.isNormalized(type, map)) {
            // A typed payload arrives with exactly its type's keys in wire order: share it instead of copying
            // (a later change through this draft copies it first).
            mapShared = true;
            return map;
        }
        return EventFields.normalize(type, map);
    }
}
