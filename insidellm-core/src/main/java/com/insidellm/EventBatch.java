package com.insidellm;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A batch of events handed to an {@link EventExporter}, with each event already processed (redaction, sampling,
 * run metadata) and serialised to its wire JSON exactly once. Immutable; safe to read from any thread.
 */
public final class EventBatch {

    private final List<Event> events;
    private final List<byte[]> json;
    private final long jsonBytes;
    /** The gzip-compressed JSON array, when the HTTP exporter compressed it ahead of sending. */
    private volatile byte @Nullable [] gzippedJsonArray;

    EventBatch(List<Event> events, List<byte[]> json) {
        if (events.size() != json.size()) {
            throw new IllegalArgumentException("events and json differ in size");
        }
        this.events = Collections.unmodifiableList(events);
        this.json = Collections.unmodifiableList(json);
        long total = 0;
        for (byte[] bytes : json) {
            total += bytes.length;
        }
        this.jsonBytes = total;
    }

    /** The events, in the order they were logged. */
    public List<Event> events() {
        return events;
    }

    /** The number of events. */
    public int size() {
        return events.size();
    }

    /** The wire JSON of the event at {@code index} (UTF-8, one object, no trailing newline). Do not modify it. */
    public byte[] eventJson(int index) {
        return json.get(index);
    }

    /** The total size of the events' JSON in bytes. */
    public long jsonBytes() {
        return jsonBytes;
    }

    /** Writes the batch as a JSON array, the ingestion API's request body. */
    public void writeJsonArray(OutputStream out) throws IOException {
        out.write('[');
        for (int i = 0; i < json.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(json.get(i));
        }
        out.write(']');
    }

    /** Writes the batch as JSON lines: one event per line, each line ending in {@code \n}. */
    public void writeJsonLines(OutputStream out) throws IOException {
        for (byte[] bytes : json) {
            out.write(bytes);
            out.write('\n');
        }
    }

    byte @Nullable [] gzippedJsonArray() {
        return gzippedJsonArray;
    }

    void gzippedJsonArray(byte[] bytes) {
        this.gzippedJsonArray = bytes;
    }

    EventBatch slice(int from, int to) {
        return new EventBatch(events.subList(from, to), json.subList(from, to));
    }
}
