package com.insidellm;

import com.insidellm.internal.EventFields;
import com.insidellm.internal.Ids;
import com.insidellm.internal.PayloadSizes;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One analytics event: something a user, an agent, a model or a tool did within a run.
 *
 * <p>Build events with the factories ({@link #userInput}, {@link #llmResponse}, ...), with {@link #of(String, String,
 * Payload)} and a typed {@link Payload}, or with {@link #builder(EventType)} for full control. Building validates at
 * once: a missing required field or a malformed id throws {@link IllegalArgumentException} naming the field.
 *
 * <p>Events are immutable and thread-safe. {@link #toString()} never includes payload content, so events can be
 * logged without leaking prompts.
 */
public final class Event {

    private static final AtomicReferenceFieldUpdater<Event, String> EVENT_ID =
            AtomicReferenceFieldUpdater.newUpdater(Event.class, String.class, "eventId");

    /** Generated on first use, so that events logged without anyone asking for their id pay for it on the flusher. */
    private volatile @Nullable String eventId;
    private final String runId;
    private final Instant timestamp;
    private final EventType type;
    private final String userId;
    private final @Nullable String parentEventId;
    private final @Nullable Map<String, Object> metadata;
    /**
     * The typed payload this event was built from, or {@code null} when it was built from a map. Not volatile,
     * like {@link #extras}: a volatile store in the constructor is a full fence on the caller's hot path. Set in
     * the constructor, or by {@link #describe} before it clears {@link #later}, whose volatile read every reader
     * makes first.
     */
    private @Nullable Payload typedPayload;
    /**
     * Keys set with {@link Builder#payloadEntry} beside a typed payload's fields (never one of them), in the order
     * set; the payload map (fields, then these) is built from both on first use, off the caller's thread.
     */
    private @Nullable Map<String, @Nullable Object> extras;
    /**
     * A payload set with {@link Builder#payloadLater}, until it is asked for: then it gives {@link #typedPayload} and
     * {@link #extras} and is cleared. Never written by the other constructors (null by default: no fence on the hot
     * path).
     */
    private volatile @Nullable LaterPayload later;
    /** The payload map; built from {@link #typedPayload} on first use (on the flusher, not the caller's thread). */
    private volatile @Nullable Map<String, @Nullable Object> payload;
    private final int estimatedBytes;

    Event(@Nullable String eventId, String runId, @Nullable Instant timestamp, String userId,
            @Nullable String parentEventId, Payload typedPayload, @Nullable Map<String, @Nullable Object> extras,
            @Nullable Map<String, Object> metadata) {
        this.eventId = eventId;
        this.runId = runId;
        this.timestamp = timestamp == null ? Instant.now() : timestamp;
        this.type = typedPayload.type();
        this.userId = userId;
        this.parentEventId = parentEventId;
        this.metadata = metadata;
        this.typedPayload = typedPayload;
        this.extras = extras;
        this.estimatedBytes = 256 + PayloadSizes.estimate(typedPayload)
                + (extras == null ? 0 : PayloadSizes.estimate(extras, 0))
                + (metadata == null ? 0 : PayloadSizes.estimate(metadata, 0));
    }

    /**
     * An event of {@code draft}'s whose payload is {@code payload}, a map in wire order, or else one that
     * {@code later} describes when first asked for.
     */
    Event(EventDraft draft, String runId, String userId, @Nullable Map<String, @Nullable Object> payload,
            @Nullable LaterPayload later, @Nullable Map<String, Object> metadata) {
        this.eventId = draft.eventId;
        this.runId = runId;
        this.timestamp = draft.timestamp == null ? Instant.now() : draft.timestamp;
        this.type = draft.type;
        this.userId = userId;
        this.parentEventId = draft.parentEventId;
        this.metadata = metadata;
        int payloadBytes;
        if (later != null) {
            this.later = later;
            payloadBytes = later.estimatedBytes();
        } else {
            this.payload = Objects.requireNonNull(payload, "payload");
            payloadBytes = PayloadSizes.estimate(payload, 0);
        }
        this.estimatedBytes = 256 + payloadBytes + (metadata == null ? 0 : PayloadSizes.estimate(metadata, 0));
    }

    /**
     * The event's id: a canonical lowercase random (version 4) UUID, unless set on the builder. It is generated when
     * first asked for (by the caller or, at the latest, when the event is serialised) and never changes after that.
     */
    public String eventId() {
        String id = eventId;
        if (id == null) {
            // Whoever asks first fixes the id; everyone else sees the same one.
            EVENT_ID.compareAndSet(this, null, Ids.randomUuid());
            id = eventId;
        }
        return Objects.requireNonNull(id);
    }

    /** The id of the run (session) this event belongs to. */
    public String runId() {
        return runId;
    }

    /** When the event happened. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The event's type. */
    public EventType type() {
        return type;
    }

    /** The id of the user on whose behalf the event happened. */
    public String userId() {
        return userId;
    }

    /** The id of the event that caused this one, or {@code null}. */
    public @Nullable String parentEventId() {
        return parentEventId;
    }

    /** The event's own metadata (flat: string, number or boolean values), or {@code null} when it has none. */
    public @Nullable Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * The payload in wire order: the type's fields first (absent optional ones as {@code null}), then any extra keys.
     */
    public Map<String, @Nullable Object> payload() {
        Map<String, @Nullable Object> map = payload;
        if (map == null) {
            describe();
            // Racing threads build equal maps; any of them may win.
            map = Collections.unmodifiableMap(PayloadDraft.toMap(Objects.requireNonNull(typedPayload), extras));
            payload = map;
        }
        return map;
    }

    /**
     * The typed payload the event was built with, or {@code null} when it was built from a map or changed key by
     * key ({@link Builder#payloadEntry}). Lets code that reads a few fields (metrics, cost) skip building the map.
     */
    public @Nullable Payload typedPayload() {
        describe();
        return extras == null ? typedPayload : null;
    }

    /**
     * Describes a payload set with {@link Builder#payloadLater}, once (threads that race may each ask the
     * description, which then must be equal). Throws what the description throws, and then again on the next ask.
     */
    private void describe() {
        LaterPayload pending = later;
        if (pending == null) {
            return;
        }
        LaterPayload.Described described = pending.describe(type);
        extras = described.extras();
        typedPayload = described.payload();
        // Cleared last: a thread that reads it cleared sees the fields it gave.
        later = null;
    }

    /** Whether the payload is still to be described ({@link Builder#payloadLater}). */
    boolean describedLater() {
        return later != null;
    }

    /**
     * A rough size of the event's JSON in bytes, estimated once when the event is built without serialising it; the
     * client bounds its queue's memory with it.
     */
    public int estimatedBytes() {
        return estimatedBytes;
    }

    /**
     * Returns a builder initialised from this event, for processors that change an event.
     */
    public Builder toBuilder() {
        describe();
        Builder b = new Builder(type);
        b.copy(this, typedPayload, extras);
        return b;
    }

    /** Returns a builder for an event of any type. */
    public static Builder builder(EventType type) {
        return new Builder(Objects.requireNonNull(type, "type"));
    }

    /** Returns an event with a typed payload; its type is the payload's. */
    public static Event of(String runId, String userId, Payload payload) {
        Objects.requireNonNull(payload, "payload");
        // The same checks as the builder's, without a builder: this is the caller's hot path.
        return new Event(null, EventFields.runId(runId), null, EventFields.userId(userId), null, payload, null,
                null);
    }

    /** A {@code user.input} event: a message the user sent. */
    public static Event userInput(String runId, String userId, String inputText) {
        return of(runId, userId, new Payload.UserInput(inputText));
    }

    /** An {@code agent.response} event: the agent's answer. */
    public static Event agentResponse(String runId, String userId, String responseText) {
        return of(runId, userId, new Payload.AgentResponse(responseText));
    }

    /** An {@code llm.request} event. */
    public static Event llmRequest(String runId, String userId, String modelName, String provider, String prompt) {
        return of(runId, userId, new Payload.LlmRequest(modelName, provider, prompt));
    }

    /** An {@code llm.response} event. */
    public static Event llmResponse(String runId, String userId, String modelName, String provider,
            String responseText) {
        return of(runId, userId, new Payload.LlmResponse(modelName, provider, responseText));
    }

    /** A {@code tool.call} event. */
    public static Event toolCall(String runId, String userId, String toolName, String toolType,
            Map<String, ?> parameters) {
        return of(runId, userId, new Payload.ToolCall(toolName, toolType, parameters));
    }

    /** A {@code tool.response} event. */
    public static Event toolResponse(String runId, String userId, String toolName, String toolType,
            @Nullable Object responseData) {
        return of(runId, userId, new Payload.ToolResponse(toolName, toolType, responseData));
    }

    /** An {@code error} event. */
    public static Event error(String runId, String userId, String errorType, String errorMessage) {
        return of(runId, userId, new Payload.Error(errorType, errorMessage));
    }

    /** A {@code performance_metric} event. */
    public static Event performanceMetric(String runId, String userId, String metricName, Number metricValue,
            @Nullable String metricUnit) {
        return of(runId, userId, new Payload.PerformanceMetric(metricName, metricValue, metricUnit));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event other && eventId().equals(other.eventId());
    }

    @Override
    public int hashCode() {
        return eventId().hashCode();
    }

    @Override
    public String toString() {
        return "Event{type=" + type + ", eventId=" + eventId() + ", runId=" + runId
                + (parentEventId == null ? "" : ", parentEventId=" + parentEventId) + "}";
    }

    /**
     * Builds an {@link Event}. Not thread-safe; {@link #build()} validates and may be called more than once.
     */
    public static final class Builder extends EventDraft {

        private Builder(EventType type) {
            super(type);
        }

        /** Sets the event id (a UUID); by default a random one is generated. */
        public Builder eventId(String eventId) {
            this.eventId = EventFields.uuid("event_id", eventId);
            return this;
        }

        /** Sets the run id (a UUID). Required. */
        public Builder runId(String runId) {
            this.runId = EventFields.uuid("run_id", runId);
            return this;
        }

        /** Sets when the event happened; by default, when it is built. */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        /** Sets the user id. Required, non-empty. */
        public Builder userId(String userId) {
            this.userId = EventFields.userId(userId);
            return this;
        }

        /** Sets the id of the event that caused this one (a UUID), or clears it with {@code null}. */
        public Builder parentEventId(@Nullable String parentEventId) {
            this.parentEventId = parentEventId == null ? null : EventFields.uuid("parent_event_id", parentEventId);
            return this;
        }

        /**
         * Adds metadata entries. Values must be strings, numbers or booleans; lists and arrays are joined with
         * commas (the wire format has no nested metadata), and anything else is rejected.
         */
        public Builder metadata(Map<String, ?> metadata) {
            Objects.requireNonNull(metadata, "metadata");
            for (Map.Entry<String, ?> entry : metadata.entrySet()) {
                metadata(entry.getKey(), entry.getValue());
            }
            return this;
        }

        /** Adds one metadata entry; see {@link #metadata(Map)} for the allowed values. A null value is ignored. */
        public Builder metadata(String key, @Nullable Object value) {
            this.metadata = EventFields.putMetadata(this.metadata, key, value);
            return this;
        }

        /** Replaces the payload with a typed one; its type must be this builder's. */
        public Builder payload(Payload payload) {
            // Kept as the record: its map is built on the flusher thread, not on the caller's.
            this.payload.typed(payload);
            return this;
        }

        /**
         * Replaces the payload with one described when first needed, normally on the client's flusher thread rather
         * than the caller's: for an integration whose payload is costly to describe (parsing a request body). The
         * description must read only data that no one changes after this call, must give a payload of this
         * builder's type, and may be asked more than once (when threads race), giving equal answers. Entries set
         * with {@link #payloadEntry} after this one follow the description's entries. An event whose description
         * fails is dropped when the client processes it (counted as {@code invalid_event}).
         *
         * @param description the typed payload and its further entries
         * @param estimatedBytes the payload's JSON size, roughly (the queue's memory bound counts it), at least 0
         */
        public Builder payloadLater(Supplier<? extends DescribedPayload> description, int estimatedBytes) {
            this.payload.later(description, estimatedBytes);
            return this;
        }

        /**
         * Replaces the payload with a map, the escape hatch for fields no typed payload has. Keys are snake_case
         * wire names; unknown keys are sent as they are.
         */
        public Builder payload(Map<String, ?> payload) {
            this.payload.map(payload);
            return this;
        }

        /** Sets one payload key, adding to whatever payload was set. */
        public Builder payloadEntry(String key, @Nullable Object value) {
            this.payload.entry(key, value);
            return this;
        }

        /**
         * Validates and builds the event.
         *
         * @throws IllegalArgumentException naming the field when a required field is missing or malformed
         */
        public Event build() {
            return toEvent();
        }
    }
}
