package com.insidellm.collector.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.Latency;
import com.insidellm.collector.store.Store.ModelTotals;
import com.insidellm.collector.store.Store.ModelUsage;
import com.insidellm.collector.store.Store.RunPage;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.Store.Series;
import com.insidellm.collector.store.Store.SeriesBucket;
import com.insidellm.collector.store.Store.TimeRange;
import com.insidellm.collector.store.Store.UsageTotals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The query API's answers: reads request parameters into query objects, asks the {@link Store}, and writes JSON
 * documents. No SQL here. Internal. Thread-safe.
 */
public final class Queries {

    /** Bucket widths the time series picks from, in seconds. */
    private static final long[] BUCKETS = {1, 5, 10, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
            86_400, 7 * 86_400};
    private static final int TARGET_BUCKETS = 60;
    private static final long MAX_BUCKETS = 2000;

    private final Store store;
    private final JsonFactory json;

    /** Creates the service over {@code store}. */
    public Queries(Store store, JsonFactory json) {
        this.store = store;
        this.json = json;
    }

    /** A JSON document being written. */
    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] document(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = json.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A live tail for one client; see {@link LiveTail#open}. */
    public LiveTail liveTail(Params p, @Nullable String lastEventId) {
        return LiveTail.open(store, p, lastEventId);
    }

    /**
     * {@code {"status": "ok"}} while the store can serve, else {@code "unavailable"}, with the store's kind, and
     * {@code ingest}: the number of events rejected since start and the last rejection (event and reason).
     */
    public Health health(long rejected, @Nullable String lastRejection) {
        Store.Health h = store.health();
        return new Health(h.ok(), document(g -> {
            g.writeStartObject();
            g.writeStringField("status", h.ok() ? "ok" : "unavailable");
            g.writeObjectFieldStart("store");
            g.writeStringField("kind", h.kind());
            g.writeStringField("status", h.ok() ? "ok" : "unavailable");
            g.writeEndObject();
            g.writeObjectFieldStart("ingest");
            g.writeNumberField("rejected", rejected);
            g.writeStringField("last_rejection", lastRejection);
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    /** The health document and whether it is healthy (200) or not (503). */
    public record Health(boolean ok, byte[] json) {}

    // ---------------------------------------------------------------- runs

    /** Runs, newest first, filtered by {@code user}, {@code model}, {@code has_errors}, {@code from}, {@code to}. */
    public byte[] runs(Params p) {
        int limit = p.intValue("limit", 50, 1, 1000);
        int offset = p.intValue("offset", 0, 0, Integer.MAX_VALUE);
        RunPage page = store.runs(Filters.runs(p), limit, offset);
        return document(g -> {
            g.writeStartObject();
            g.writeNumberField("total", page.total());
            g.writeNumberField("limit", limit);
            g.writeNumberField("offset", offset);
            g.writeArrayFieldStart("runs");
            for (RunSummary run : page.runs()) {
                writeRun(g, run);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeRun(JsonGenerator g, RunSummary r) throws IOException {
        g.writeStartObject();
        g.writeStringField("run_id", r.runId());
        g.writeStringField("user_id", r.userId());
        g.writeStringField("start", iso(r.firstMicros()));
        g.writeStringField("end", iso(r.lastMicros()));
        g.writeNumberField("duration_ms", (r.lastMicros() - r.firstMicros()) / 1000.0);
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
        g.writeEndObject();
    }

    /** One run's summary and all its events in time order; null when the run is unknown. */
    public byte @Nullable [] run(String runId) {
        RunSummary run = store.run(runId);
        if (run == null) {
            return null;
        }
        return document(g -> {
            g.writeStartObject();
            g.writeFieldName("run");
            writeRun(g, run);
            g.writeArrayFieldStart("events");
            store.forEachRunEvent(runId, (seq, raw) -> writeEvent(g, seq, raw));
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- events

    /** One page of matching events: newest first, or oldest first after {@code after} (a sequence number). */
    public byte[] events(Params p) {
        EventFilter filter = Filters.events(p);
        int limit = p.intValue("limit", 100, 1, 1000);
        Long after = p.longValue("after");
        Long before = p.longValue("before");
        long latest = store.committedSeq();
        List<EventRow> rows = store.events(filter, after, before, limit);
        return document(g -> {
            g.writeStartObject();
            g.writeNumberField("latest_seq", latest);
            g.writeArrayFieldStart("events");
            for (EventRow row : rows) {
                writeEvent(g, row.seq(), row.raw());
            }
            g.writeEndArray();
            if (rows.size() == limit) {
                g.writeNumberField(after != null ? "next_after" : "next_before", rows.get(rows.size() - 1).seq());
            }
            g.writeEndObject();
        });
    }

    private static void writeEvent(JsonGenerator g, long seq, String raw) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", seq);
        g.writeFieldName("event");
        g.writeRawValue(raw);
        g.writeEndObject();
    }

    /** Distinct users, models and event types, for the viewer's filter lists. */
    public byte[] facets() {
        Store.Facets f = store.facets();
        return document(g -> {
            g.writeStartObject();
            stringArray(g, "users", f.users());
            stringArray(g, "models", f.models());
            stringArray(g, "event_types", f.eventTypes());
            g.writeEndObject();
        });
    }

    private static void stringArray(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    // ---------------------------------------------------------------- aggregates

    /** Totals and per-model figures (calls, tokens, cost, errors, latency p50/p95) over {@code from}..{@code to}. */
    public byte[] modelStats(Params p) {
        Long from = p.time("from");
        Long to = p.time("to");
        List<ModelUsage> models = store.modelUsage(from, to);
        UsageTotals t = store.totals(from, to);
        return document(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("events", t.events());
            g.writeNumberField("errors", t.errors());
            g.writeNumberField("runs", t.runs());
            g.writeNumberField("llm_calls", t.llmCalls());
            g.writeNumberField("tokens", t.tokens());
            g.writeNumberField("cost", t.cost());
            g.writeEndObject();
            g.writeArrayFieldStart("models");
            for (ModelUsage m : models) {
                g.writeStartObject();
                g.writeStringField("model", m.model());
                g.writeStringField("provider", m.provider());
                g.writeNumberField("calls", m.calls());
                g.writeNumberField("prompt_tokens", m.promptTokens());
                g.writeNumberField("completion_tokens", m.completionTokens());
                g.writeNumberField("tokens", m.tokens());
                g.writeNumberField("cost", m.cost());
                g.writeNumberField("errors", m.errors());
                writeLatency(g, m.latency());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /**
     * Calls, tokens and cost per model and bucket, plus events, errors, error rate and latency p50/p95 per bucket.
     * {@code bucket} is in seconds; without it a width giving about {@value #TARGET_BUCKETS} buckets is chosen.
     */
    public byte[] timeseries(Params p) {
        Long fromParam = p.time("from");
        Long toParam = p.time("to");
        Long bucketParam = p.longValue("bucket");
        long from;
        long to;
        if (fromParam != null && toParam != null) {
            from = fromParam;
            to = toParam;
        } else {
            TimeRange range = store.timeRange(fromParam, toParam);
            if (range == null) {
                return emptySeries();
            }
            from = fromParam != null ? fromParam : range.minMicros();
            to = toParam != null ? toParam : range.maxMicros() + 1;
        }
        long span = Math.max(1, to - from);
        long bucket = bucketParam != null ? Math.max(1, bucketParam) * 1_000_000L : chooseBucket(span);
        if (span / bucket > MAX_BUCKETS) {
            throw new Params.BadRequestException("bucket is too small for the range: more than " + MAX_BUCKETS
                    + " buckets");
        }
        long start = Math.floorDiv(from, bucket) * bucket;
        int count = (int) ((to - start + bucket - 1) / bucket);
        Series series = store.series(start, bucket, count, from, to);
        return document(g -> {
            g.writeStartObject();
            g.writeStringField("from", iso(start));
            g.writeStringField("to", iso(to));
            g.writeNumberField("bucket_seconds", bucket / 1_000_000L);
            stringArray(g, "models", List.copyOf(series.models()));
            g.writeArrayFieldStart("buckets");
            for (SeriesBucket bk : series.buckets()) {
                g.writeStartObject();
                g.writeStringField("start", iso(bk.startMicros()));
                g.writeNumberField("events", bk.events());
                g.writeNumberField("errors", bk.errors());
                g.writeNumberField("error_rate", bk.events() == 0 ? 0.0 : (double) bk.errors() / bk.events());
                writeLatency(g, bk.latency());
                g.writeObjectFieldStart("per_model");
                for (Map.Entry<String, ModelTotals> e : bk.perModel().entrySet()) {
                    g.writeObjectFieldStart(e.getKey());
                    g.writeNumberField("calls", e.getValue().calls());
                    g.writeNumberField("tokens", e.getValue().tokens());
                    g.writeNumberField("cost", e.getValue().cost());
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private byte[] emptySeries() {
        return document(g -> {
            g.writeStartObject();
            g.writeNullField("from");
            g.writeNullField("to");
            g.writeNullField("bucket_seconds");
            g.writeArrayFieldStart("models");
            g.writeEndArray();
            g.writeArrayFieldStart("buckets");
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static long chooseBucket(long spanMicros) {
        for (long seconds : BUCKETS) {
            if (spanMicros / (seconds * 1_000_000L) <= TARGET_BUCKETS) {
                return seconds * 1_000_000L;
            }
        }
        return BUCKETS[BUCKETS.length - 1] * 1_000_000L;
    }

    private static void writeLatency(JsonGenerator g, Latency latency) throws IOException {
        if (latency.p50() == null || latency.p95() == null) {
            g.writeNullField("latency_p50_ms");
            g.writeNullField("latency_p95_ms");
            return;
        }
        g.writeNumberField("latency_p50_ms", latency.p50());
        g.writeNumberField("latency_p95_ms", latency.p95());
    }

    /** Microseconds since the epoch as ISO-8601 UTC. */
    public static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }
}
