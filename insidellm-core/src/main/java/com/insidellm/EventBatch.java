package com.insidellm;

import com.insidellm.internal.SpooledEvents;
import com.insidellm.internal.WireWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
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

    private EventBatch(List<Event> events, List<byte[]> json) {
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

    /**
     * A batch of events with their wire JSON, one array per event in the same order, as the client builds it after
     * processing and serialising. The JSON is taken as given (not copied, not checked against the events). For
     * exporters that wrap or re-batch, and for tests of exporters.
     *
     * @throws IllegalArgumentException when the lists differ in size
     */
    public static EventBatch of(List<Event> events, List<byte[]> json) {
        return new EventBatch(copy(events), copy(json));
    }

    /**
     * An unmodifiable copy that, like {@link List#copyOf}, refuses null elements, in one array copy where
     * {@code List.copyOf} makes two (the client makes a batch this way on every hand-off).
     */
    private static <T> List<T> copy(List<T> list) {
        ArrayList<T> copy = new ArrayList<>(list);
        for (int i = 0; i < copy.size(); i++) {
            Objects.requireNonNull(copy.get(i));
        }
        return copy;
    }

    /**
     * A batch of {@code events}, each serialised to its wire JSON as the client would send it (without run metadata,
     * which only the client that started the run knows). For tests of exporters.
     *
     * @throws InsideLlmException when an event cannot be serialised
     */
    public static EventBatch of(List<Event> events) {
        List<byte[]> json = new ArrayList<>(events.size());
        try (WireWriter writer = new WireWriter()) {
            for (Event e : events) {
                try {
                    json.add(writer.write(e, null));
                } catch (IOException | RuntimeException ex) {
                    throw new InsideLlmException("could not serialise " + e + ": " + ex.getMessage(), ex);
                }
            }
        }
        return new EventBatch(List.copyOf(events), json);
    }

    /**
     * A batch known by its events' wire JSON only (read back from a file, such as the disk outbox's): the JSON is
     * sent as given, and {@link #events()} reads each event from it when first asked for, so a batch nobody inspects
     * costs no parsing.
     */
    public static EventBatch fromJson(List<byte[]> json) {
        List<byte[]> copy = List.copyOf(json);
        return new EventBatch(SpooledEvents.lazy(copy), copy);
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

    /** The events from {@code from} (inclusive) to {@code to} (exclusive), with their JSON; shares the arrays. */
    public EventBatch slice(int from, int to) {
        return new EventBatch(events.subList(from, to), json.subList(from, to));
    }
}
