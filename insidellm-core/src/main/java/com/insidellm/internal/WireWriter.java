package com.insidellm.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.Payload;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes events to their wire JSON (the format {@link WireJson} defines) with one Jackson generator kept for many
 * events: field names pre-encoded, typed payloads written field by field without building their maps, strings
 * encoded by {@link WireStrings}, the timestamp's date and time of day rendered once per second. The bytes
 * are exactly those of the generator Jackson makes for each event, which {@code WireWriterTest} holds it to.
 *
 * <p>Why: serialising was 90-95 % of the flusher's time, most of it in Jackson's per-character string loop (which
 * reads every character through {@code String.charAt}), building and walking payload maps, and a new generator, write
 * context, timestamp string and output builder for each event. Internal. Not thread-safe: one per thread (the
 * flusher keeps one; {@link com.insidellm.EventBatch#of(List)} uses one per batch); {@link #close()} returns its
 * buffers.
 */
public final class WireWriter implements AutoCloseable {

    private static final SerializedString EVENT_ID = new SerializedString("event_id");
    private static final SerializedString RUN_ID = new SerializedString("run_id");
    private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializedString EVENT_TYPE = new SerializedString("event_type");
    private static final SerializedString USER_ID = new SerializedString("user_id");
    private static final SerializedString PARENT_EVENT_ID = new SerializedString("parent_event_id");
    private static final SerializedString METADATA = new SerializedString("metadata");
    private static final SerializedString PAYLOAD = new SerializedString("payload");
    private static final SerializedString[] TYPES = typeNames();

    private final WireSink sink = new WireSink();
    private @Nullable JsonGenerator gen;
    private final WireStrings strings = new WireStrings();
    /**
     * The last run id and user id written, encoded: a run's events carry the same string (the same instance, which
     * is all that is compared), so a batch encodes each once.
     */
    private final Recent runs = new Recent();
    private final Recent users = new Recent();
    private final WireTimestamp stamp = new WireTimestamp();

    private static SerializedString[] typeNames() {
        EventType[] types = EventType.values();
        SerializedString[] names = new SerializedString[types.length];
        for (EventType type : types) {
            names[type.ordinal()] = new SerializedString(type.wireValue());
        }
        return names;
    }

    /** One event, with the metadata of its run merged under its own; its typed payload written without its map. */
    public byte[] write(Event event, @Nullable Map<String, ?> runMetadata) throws IOException {
        JsonGenerator g = begin();
        try {
            envelope(g, event.eventId(), event.runId(), event.timestamp(), TYPES[event.type().ordinal()],
                    event.userId(), event.parentEventId(), event.metadata(), runMetadata);
            g.writeStartObject();
            Payload typed = event.typedPayload();
            if (typed != null) {
                PayloadWriter.write(this, typed);
            } else {
                entries(event.payload());
            }
            g.writeEndObject();
            g.writeEndObject();
            return finish(g);
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    /** One event from its parts, its payload as a map; see {@link WireJson#writeEvent}. */
    public byte[] write(String eventId, String runId, Instant timestamp, String eventType, String userId,
            @Nullable String parentEventId, @Nullable Map<String, ?> metadata, @Nullable Map<String, ?> runMetadata,
            Map<String, ?> payload) throws IOException {
        JsonGenerator g = begin();
        try {
            envelope(g, eventId, runId, timestamp, new SerializedString(eventType), userId, parentEventId, metadata,
                    runMetadata);
            g.writeStartObject();
            entries(payload);
            g.writeEndObject();
            g.writeEndObject();
            return finish(g);
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    private void envelope(JsonGenerator g, String eventId, String runId, Instant timestamp, SerializableString type,
            String userId, @Nullable String parentEventId, @Nullable Map<String, ?> metadata,
            @Nullable Map<String, ?> runMetadata) throws IOException {
        g.writeStartObject();
        g.writeFieldName(EVENT_ID);
        string(eventId);
        g.writeFieldName(RUN_ID);
        recent(runs, runId);
        g.writeFieldName(TIMESTAMP);
        timestamp(g, timestamp);
        g.writeFieldName(EVENT_TYPE);
        g.writeString(type);
        g.writeFieldName(USER_ID);
        recent(users, userId);
        if (parentEventId != null) {
            g.writeFieldName(PARENT_EVENT_ID);
            string(parentEventId);
        }
        boolean hasRunMeta = runMetadata != null && !runMetadata.isEmpty();
        boolean hasMeta = metadata != null && !metadata.isEmpty();
        if (hasRunMeta || hasMeta) {
            g.writeFieldName(METADATA);
            g.writeStartObject();
            if (hasRunMeta) {
                for (Map.Entry<String, ?> entry : runMetadata.entrySet()) {
                    if (!hasMeta || !metadata.containsKey(entry.getKey())) {
                        g.writeFieldName(entry.getKey());
                        value(entry.getValue(), 0);
                    }
                }
            }
            if (hasMeta) {
                for (Map.Entry<String, ?> entry : metadata.entrySet()) {
                    g.writeFieldName(entry.getKey());
                    value(entry.getValue(), 0);
                }
            }
            g.writeEndObject();
        }
        g.writeFieldName(PAYLOAD);
    }

    /** Payload entries as the map path writes them: an {@code Optional} at the top level stands for its value. */
    private void entries(Map<String, ?> payload) throws IOException {
        for (Map.Entry<String, ?> entry : payload.entrySet()) {
            gen().writeFieldName(entry.getKey());
            field(entry.getValue());
        }
    }

    // ------------------------------------------------------------------ for PayloadWriter

    void name(SerializableString name) throws IOException {
        gen().writeFieldName(name);
    }

    /** A top-level payload value, written as the map path writes it. */
    void field(@Nullable Object value) throws IOException {
        if (value instanceof Optional<?> optional) {
            value = optional.orElse(null);
        }
        value(value, 0);
    }

    void field(SerializableString name, @Nullable Object value) throws IOException {
        name(name);
        field(value);
    }

    void string(SerializableString name, String value) throws IOException {
        name(name);
        string(value);
    }

    void stringOrNull(SerializableString name, @Nullable String value) throws IOException {
        name(name);
        if (value == null) {
            gen().writeNull();
        } else {
            string(value);
        }
    }

    void number(@Nullable Number value) throws IOException {
        value(value, 0);
    }

    void number(SerializableString name, @Nullable Number value) throws IOException {
        name(name);
        value(value, 0);
    }

    void number(SerializableString name, long value) throws IOException {
        name(name);
        gen().writeNumber(value);
    }

    void number(SerializableString name, int value) throws IOException {
        name(name);
        gen().writeNumber(value);
    }

    void bool(SerializableString name, boolean value) throws IOException {
        name(name);
        gen().writeBoolean(value);
    }

    void startObject() throws IOException {
        gen().writeStartObject();
    }

    void endObject() throws IOException {
        gen().writeEndObject();
    }

    // ------------------------------------------------------------------ values

    /**
     * Writes the value types events are made of directly; everything else goes through the mapper. Going through
     * {@link com.fasterxml.jackson.databind.ObjectMapper#writeValue(JsonGenerator, Object)} for every value set up a
     * serializer provider each time. The output is the same: these are exactly the calls the mapper's own serializers
     * make.
     */
    private void value(@Nullable Object value, int depth) throws IOException {
        JsonGenerator g = gen();
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (depth < 4 && value instanceof Map<?, ?> map && allStringKeys(map)) {
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName((String) entry.getKey());
                value(entry.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (depth < 4 && value instanceof List<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                value(element, depth + 1);
            }
            g.writeEndArray();
        } else {
            // Deeper structures (and cycles) are left to the mapper, which reports them as errors.
            WireJson.mapper().writeValue(g, value);
        }
    }

    private static boolean allStringKeys(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private void recent(Recent recent, String s) throws IOException {
        if (s != recent.value) {
            int length = strings.encode(s);
            if (length < 0) {
                recent.value = null;
                gen().writeString(s);
                return;
            }
            recent.value = s;
            recent.bytes = java.util.Arrays.copyOf(strings.bytes(), length);
        }
        gen().writeRawUTF8String(recent.bytes, 0, recent.bytes.length);
    }

    /** A string last written and its encoding. */
    private static final class Recent {
        @Nullable String value;
        byte[] bytes = new byte[0];
    }

    /** A string value, byte for byte as Jackson writes it (see {@link WireStrings}). */
    void string(String s) throws IOException {
        int length = strings.encode(s);
        if (length < 0) {
            gen().writeString(s);
        } else {
            gen().writeRawUTF8String(strings.bytes(), 0, length);
        }
    }

    private void timestamp(JsonGenerator g, Instant timestamp) throws IOException {
        byte[] rendered = stamp.render(timestamp);
        if (rendered == null) {
            g.writeString(WireJson.formatTimestamp(timestamp));
        } else {
            g.writeRawUTF8String(rendered, 0, rendered.length);
        }
    }

    // ------------------------------------------------------------------ generator and output

    private JsonGenerator gen() {
        return java.util.Objects.requireNonNull(gen);
    }

    private JsonGenerator begin() throws IOException {
        JsonGenerator g = gen;
        if (g == null) {
            g = WireJson.mapper().getFactory().createGenerator(sink);
            g.setCodec(WireJson.mapper());
            // Events follow each other at the root of this one generator: no separator between them.
            g.setRootValueSeparator(null);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
            gen = g;
        }
        return g;
    }

    private byte[] finish(JsonGenerator g) throws IOException {
        sink.finishing = true;
        g.flush();
        return sink.take();
    }

    /** After a failure the generator may be inside the event: it is dropped, and the next event gets a new one. */
    private IOException failed(Exception e) {
        close();
        sink.take();
        if (e instanceof IOException io) {
            return io;
        }
        // Getters that throw, self-references and the like surface as runtime exceptions from Jackson.
        return new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    /** Returns the generator's buffers; the writer may still be used (it makes a new generator). */
    @Override
    public void close() {
        JsonGenerator g = gen;
        gen = null;
        if (g != null) {
            try {
                g.close();
            } catch (IOException | RuntimeException ignored) {
                // Only the buffers matter here; whatever it wrote is discarded.
            }
        }
    }
}
