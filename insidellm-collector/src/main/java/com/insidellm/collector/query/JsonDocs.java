package com.insidellm.collector.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.Latency;
import com.insidellm.collector.store.Store.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Writing the query API's JSON documents: a whole document to bytes, and the parts several answers share (a run's
 * summary, an event with its sequence number, feedback, percentiles, timestamps). Thread-safe.
 */
final class JsonDocs {

    private final JsonFactory json;

    JsonDocs(JsonFactory json) {
        this.json = json;
    }

    /** A JSON document being written. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** The document {@code body} writes, as bytes. */
    byte[] document(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = json.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The factory the documents are written with, for documents streamed as they are read. */
    JsonFactory factory() {
        return json;
    }

    /** A run's summary as one JSON object. */
    static void writeRun(JsonGenerator g, RunSummary r) throws IOException {
        g.writeStartObject();
        g.writeStringField("run_id", r.runId());
        g.writeStringField("user_id", r.userId());
        g.writeStringField("name", r.name());
        g.writeStringField("first_input", r.firstInput());
        g.writeStringField("trace_id", r.traceId());
        g.writeStringField("status", r.errors() > 0 ? "error" : r.ended() ? "ok" : "running");
        g.writeStringField("start", iso(r.startMicros()));
        g.writeStringField("end", iso(r.endMicros()));
        g.writeNumberField("duration_ms", r.durationMicros() / 1000.0);
        g.writeStringField("first_event", iso(r.firstMicros()));
        g.writeStringField("last_event", iso(r.lastMicros()));
        g.writeNumberField("event_count", r.eventCount());
        g.writeNumberField("llm_calls", r.llmCalls());
        g.writeNumberField("tokens", r.tokens());
        g.writeNumberField("cost", r.cost());
        g.writeNumberField("errors", r.errors());
        g.writeBooleanField("ended", r.ended());
        g.writeArrayFieldStart("models");
        for (String m : r.models()) {
            g.writeString(m);
        }
        g.writeEndArray();
        writeFeedback(g, "feedback", r.feedback());
        g.writeEndObject();
    }

    static void writeFeedback(JsonGenerator g, String field, Feedback f) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("count", f.count());
        g.writeNumberField("scored", f.scored());
        if (f.average() == null) {
            g.writeNullField("average");
        } else {
            g.writeNumberField("average", f.average());
        }
        g.writeEndObject();
    }

    /** {@code {"seq": ..., "event": <the stored JSON, as it is>}}. */
    static void writeEvent(JsonGenerator g, long seq, String raw) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", seq);
        g.writeFieldName("event");
        g.writeRawValue(raw);
        g.writeEndObject();
    }

    static void stringArray(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** {@code <name>_p50_ms} and {@code <name>_p95_ms}, null when there are no values. */
    static void writePercentiles(JsonGenerator g, String name, Latency latency) throws IOException {
        if (latency.p50() == null || latency.p95() == null) {
            g.writeNullField(name + "_p50_ms");
            g.writeNullField(name + "_p95_ms");
            return;
        }
        g.writeNumberField(name + "_p50_ms", latency.p50());
        g.writeNumberField(name + "_p95_ms", latency.p95());
    }

    static void writeLatency(JsonGenerator g, Latency latency) throws IOException {
        writePercentiles(g, "latency", latency);
    }

    /** Microseconds since the epoch as ISO-8601 UTC. */
    static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }
}
