package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.ingest.WireValues;
import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes the gateway's events straight into their stored form: the wire JSON, written once by a streaming generator
 * (no tree of the event to build and then serialise), and the columns the store indexes, known from what was written.
 * The gateway builds these events itself, so they are valid by construction and skip the ingest path's validation,
 * which would serialise each one and read it back; {@code GatewayEventsTest} holds every kind of event to what that
 * validation makes of the same JSON. Internal; confined to the recorder's thread.
 */
final class GatewayEvents {

    /** The columns of one event beyond its envelope; null where the event has no such value. */
    record Columns(@Nullable String model, @Nullable String provider, @Nullable Long promptTokens,
            @Nullable Long completionTokens, @Nullable Long totalTokens, @Nullable Double cost,
            @Nullable Double latencyMs, boolean error, @Nullable String callType,
            @Nullable Double timeToFirstTokenMs) {

        static final Columns NONE = new Columns(null, null, null, null, null, null, null, false, null, null);

        static Columns latency(double ms) {
            return new Columns(null, null, null, null, null, null, ms, false, null, null);
        }
    }

    private final ObjectMapper mapper;
    private final Text text = new Text();
    /**
     * One generator for every event, flushed at the end of each: creating one per event (its context, its buffer
     * fetched from the recycler) was a tenth of the recorder's time. Replaced after an event that did not end, so a
     * failure part-way through one event cannot leave its state in the next.
     */
    private @Nullable JsonGenerator gen;
    /** Whether an event was begun and not ended. */
    private boolean open;
    private String eventId = "";
    private String runId = "";
    private @Nullable String parentId;
    private String type = "";
    private String userId = "";
    private long micros;

    GatewayEvents(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Writes an event's envelope and opens its payload object, which the caller writes through the returned
     * generator before {@link #end}.
     */
    JsonGenerator begin(String eventId, String runId, String type, String userId, long micros,
            @Nullable String parentId, @Nullable String gatewayModel) throws IOException {
        this.eventId = eventId;
        this.runId = runId;
        this.type = type;
        this.userId = userId;
        this.micros = micros;
        this.parentId = parentId;
        JsonGenerator g = gen;
        if (g == null || open) {
            // The mapper's generator, so its settings apply as they did to the trees it serialised, and writeTree
            // works. No separator between root values: each event is taken out of the buffer on its own.
            g = mapper.createGenerator(text);
            g.setRootValueSeparator(null);
            gen = g;
        }
        text.reset();
        open = true;
        g.writeStartObject();
        g.writeStringField("event_id", eventId);
        g.writeStringField("run_id", runId);
        g.writeStringField("timestamp", WireValues.iso(micros));
        g.writeStringField("event_type", type);
        g.writeStringField("user_id", userId);
        if (parentId != null) {
            g.writeStringField("parent_event_id", parentId);
        }
        g.writeObjectFieldStart("metadata");
        g.writeStringField("source", "gateway");
        if (gatewayModel != null) {
            g.writeStringField("gateway_model", gatewayModel);
        }
        g.writeEndObject();
        g.writeObjectFieldStart("payload");
        return g;
    }

    /** Closes the payload and the event, and returns it in its stored form. */
    StoredEvent end(Columns c) throws IOException {
        JsonGenerator g = gen;
        if (g == null || !open) {
            throw new IllegalStateException("no event begun");
        }
        g.writeEndObject();
        g.writeEndObject();
        g.flush();
        open = false;
        return new StoredEvent(eventId, runId, parentId, type, userId, micros, c.model(), c.provider(),
                c.promptTokens(), c.completionTokens(), c.totalTokens(), c.cost(), c.latencyMs(), c.error(),
                text.toString(), new StoredEvent.Details(c.callType(), null, List.of(), null, null, null, null,
                        c.timeToFirstTokenMs()));
    }

    /** The event being written: a writer over a reused, unsynchronised buffer ({@code StringWriter} locks). */
    private static final class Text extends Writer {
        private final StringBuilder buffer = new StringBuilder(2048);

        void reset() {
            buffer.setLength(0);
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            buffer.append(chars, offset, length);
        }

        @Override
        public void write(String s, int offset, int length) {
            buffer.append(s, offset, offset + length);
        }

        @Override
        public void write(int c) {
            buffer.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return buffer.toString();
        }
    }
}
