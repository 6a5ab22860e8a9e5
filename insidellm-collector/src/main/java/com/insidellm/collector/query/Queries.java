package com.insidellm.collector.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.FeedbackUsage;
import com.insidellm.collector.store.Store.Latency;
import com.insidellm.collector.store.Store.ModelTotals;
import com.insidellm.collector.store.Store.ModelUsage;
import com.insidellm.collector.store.Store.RunCursor;
import com.insidellm.collector.store.Store.RunPage;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.Store.Series;
import com.insidellm.collector.store.Store.SeriesBucket;
import com.insidellm.collector.store.Store.TimeCursor;
import com.insidellm.collector.store.Store.TimeRange;
import com.insidellm.collector.store.Store.TimedEventRow;
import com.insidellm.collector.store.Store.ToolUsage;
import com.insidellm.collector.store.Store.UsageTotals;
import com.insidellm.collector.store.Store.UserUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
     * {@code {"status": "ok"}} while the store can serve, else {@code "unavailable"}, with the store's kind and facts
     * (pool, schema), {@code ingest}: the number of events rejected since start and the last rejection (event and
     * reason), and, where there is one, the live tail's fan-out ({@code live}).
     */
    public Health health(long rejected, @Nullable String lastRejection) {
        Store.Health h = store.health();
        return new Health(h.ok(), document(g -> {
            g.writeStartObject();
            g.writeStringField("status", h.ok() ? "ok" : "unavailable");
            g.writeObjectFieldStart("store");
            g.writeStringField("kind", h.kind());
            g.writeStringField("status", h.ok() ? "ok" : "unavailable");
            for (Map.Entry<String, Object> e : h.store().entrySet()) {
                g.writeObjectField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("ingest");
            g.writeNumberField("rejected", rejected);
            g.writeStringField("last_rejection", lastRejection);
            g.writeEndObject();
            if (!h.live().isEmpty()) {
                g.writeObjectField("live", h.live());
            }
            g.writeEndObject();
        }));
    }

    /** The health document and whether it is healthy (200) or not (503). */
    public record Health(boolean ok, byte[] json) {}

    // ---------------------------------------------------------------- runs

    /**
     * Runs, newest first, filtered by {@code user}, {@code model}, {@code has_errors}, {@code from}, {@code to}, {@code
     * call_type}, {@code trace}, {@code tag} and {@code meta.<key>} (as {@code Filters.runs} reads them).
     */
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

    private static void writeFeedback(JsonGenerator g, String field, Feedback f) throws IOException {
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

    /** Writes a document to a stream, such as an HTTP response body. */
    @FunctionalInterface
    public interface Streamed {
        /** Writes the document to {@code out}; does not close it. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** One run's summary and all its events in time order; null when the run is unknown. */
    public byte @Nullable [] run(String runId) {
        Streamed body = run(runId, Params.of(Map.of()));
        if (body == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            body.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * One run's summary and its events in time order, written as they are read so memory stays bounded however large
     * the run; null when the run is unknown. With {@code limit} (1 to {@value #MAX_RUN_PAGE}) one page of events, and
     * {@code next_after} when more may follow; {@code after} (a previous {@code next_after}) continues from there.
     */
    public @Nullable Streamed run(String runId, Params p) {
        String limitParam = p.get("limit");
        int limit = p.intValue("limit", MAX_RUN_PAGE, 1, MAX_RUN_PAGE);
        RunCursor after = cursor(p.get("after"));
        RunSummary run = store.run(runId);
        if (run == null) {
            return null;
        }
        return out -> {
            try (JsonGenerator g = json.createGenerator(out)) {
                g.writeStartObject();
                g.writeFieldName("run");
                writeRun(g, run);
                g.writeArrayFieldStart("events");
                RunCursor cursor = after;
                int[] count = new int[1];
                do {
                    count[0] = 0;
                    RunCursor last = store.runEvents(runId, cursor, limit, (seq, raw) -> {
                        writeEvent(g, seq, raw);
                        count[0]++;
                    });
                    cursor = last != null ? last : cursor;
                    g.flush();
                } while (limitParam == null && count[0] == limit);
                g.writeEndArray();
                if (limitParam != null && count[0] == limit && cursor != null) {
                    g.writeStringField("next_after", cursor.timestampMicros() + ":" + cursor.seq());
                }
                g.writeEndObject();
            }
        };
    }

    /** Most events in one page of a run. */
    public static final int MAX_RUN_PAGE = 10_000;

    private static @Nullable RunCursor cursor(@Nullable String after) {
        if (after == null) {
            return null;
        }
        int colon = after.lastIndexOf(':');
        try {
            if (colon > 0) {
                return new RunCursor(Long.parseLong(after.substring(0, colon)), Long.parseLong(after.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Params.BadRequestException("after must be a next_after value from a previous page, but was " + after);
    }

    // ---------------------------------------------------------------- events

    /**
     * One page of matching events: by timestamp, newest first ({@code before} and {@code next_before} are {@code
     * <micros>:<seq>} cursors); with {@code order=arrival} by sequence number, newest first; oldest first after {@code
     * after} (a sequence number, as the live tail resumes).
     */
    public byte[] events(Params p) {
        EventFilter filter = Filters.events(p);
        int limit = p.intValue("limit", 100, 1, 1000);
        Long after = p.longValue("after");
        String order = p.get("order");
        if (order != null && !order.equals("time") && !order.equals("arrival")) {
            throw new Params.BadRequestException("order must be time or arrival, but was " + order);
        }
        long latest = store.committedSeq();
        if (after == null && !"arrival".equals(order)) {
            return eventsByTime(filter, timeCursor(p.get("before")), limit, latest);
        }
        Long before = p.longValue("before");
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

    private byte[] eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit, long latest) {
        List<TimedEventRow> rows = store.eventsByTime(filter, before, limit);
        return document(g -> {
            g.writeStartObject();
            g.writeNumberField("latest_seq", latest);
            g.writeArrayFieldStart("events");
            for (TimedEventRow row : rows) {
                writeEvent(g, row.seq(), row.raw());
            }
            g.writeEndArray();
            if (rows.size() == limit) {
                TimeCursor next = rows.get(rows.size() - 1).cursor();
                g.writeStringField("next_before", next.timestampMicros() + ":" + next.seq());
            }
            g.writeEndObject();
        });
    }

    private static @Nullable TimeCursor timeCursor(@Nullable String before) {
        if (before == null) {
            return null;
        }
        int colon = before.indexOf(':');
        try {
            if (colon > 0) {
                return new TimeCursor(Long.parseLong(before.substring(0, colon)), Long.parseLong(before.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Params.BadRequestException("before must be a cursor such as 1749031200000000:42 (next_before of the"
                + " previous page), but was " + before);
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
            stringArray(g, "call_types", f.callTypes());
            stringArray(g, "tags", f.tags());
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
                writePercentiles(g, "ttft", m.timeToFirstToken());
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

    /** Per tool: calls, failures, failure rate and call duration p50/p95 over {@code from}..{@code to}. */
    public byte[] toolStats(Params p) {
        List<ToolUsage> tools = store.toolUsage(p.time("from"), p.time("to"));
        return document(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("tools");
            for (ToolUsage t : tools) {
                g.writeStartObject();
                g.writeStringField("tool", t.name());
                g.writeStringField("type", t.type());
                g.writeNumberField("calls", t.calls());
                g.writeNumberField("failures", t.failures());
                g.writeNumberField("failure_rate", t.calls() == 0 ? 0.0 : (double) t.failures() / t.calls());
                writePercentiles(g, "duration", t.duration());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Per user: runs, events, LLM calls, tokens, cost, errors, first and last seen, feedback. */
    public byte[] userStats(Params p) {
        List<UserUsage> users = store.userUsage(p.time("from"), p.time("to"));
        return document(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("users");
            for (UserUsage u : users) {
                g.writeStartObject();
                g.writeStringField("user_id", u.userId());
                g.writeNumberField("runs", u.runs());
                g.writeNumberField("events", u.events());
                g.writeNumberField("llm_calls", u.llmCalls());
                g.writeNumberField("tokens", u.tokens());
                g.writeNumberField("cost", u.cost());
                g.writeNumberField("errors", u.errors());
                g.writeNumberField("error_rate", u.events() == 0 ? 0.0 : (double) u.errors() / u.events());
                g.writeStringField("first_seen", iso(u.firstMicros()));
                g.writeStringField("last_seen", iso(u.lastMicros()));
                writeFeedback(g, "feedback", u.feedback());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code user.feedback} per feedback type, and over all of them. */
    public byte[] feedbackStats(Params p) {
        List<FeedbackUsage> types = store.feedbackUsage(p.time("from"), p.time("to"));
        long count = 0;
        long scored = 0;
        double sum = 0;
        for (FeedbackUsage t : types) {
            count += t.feedback().count();
            scored += t.feedback().scored();
            sum += t.feedback().average() == null ? 0 : t.feedback().average() * t.feedback().scored();
        }
        Feedback total = Feedback.of(count, scored, sum);
        return document(g -> {
            g.writeStartObject();
            writeFeedback(g, "totals", total);
            g.writeArrayFieldStart("types");
            for (FeedbackUsage t : types) {
                g.writeStartObject();
                g.writeStringField("feedback_type", t.type());
                g.writeNumberField("count", t.feedback().count());
                g.writeNumberField("scored", t.feedback().scored());
                if (t.feedback().average() == null) {
                    g.writeNullField("average");
                } else {
                    g.writeNumberField("average", t.feedback().average());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code <name>_p50_ms} and {@code <name>_p95_ms}, null when there are no values. */
    private static void writePercentiles(JsonGenerator g, String name, Latency latency) throws IOException {
        if (latency.p50() == null || latency.p95() == null) {
            g.writeNullField(name + "_p50_ms");
            g.writeNullField(name + "_p95_ms");
            return;
        }
        g.writeNumberField(name + "_p50_ms", latency.p50());
        g.writeNumberField(name + "_p95_ms", latency.p95());
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
        writePercentiles(g, "latency", latency);
    }

    /** Microseconds since the epoch as ISO-8601 UTC. */
    public static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }
}
