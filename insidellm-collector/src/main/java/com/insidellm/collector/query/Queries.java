package com.insidellm.collector.query;

import static com.insidellm.collector.query.JsonDocs.stringArray;
import static com.insidellm.collector.query.JsonDocs.writeEvent;
import static com.insidellm.collector.query.JsonDocs.writeRun;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.RunCursor;
import com.insidellm.collector.store.Store.RunPage;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.Store.TimeCursor;
import com.insidellm.collector.store.Store.TimedEventRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The query API's answers: reads request parameters into query objects, asks the {@link Store}, and writes JSON
 * documents. No SQL here. Runs, events, facets and health are answered here; the aggregates by
 * {@link StatsQueries}, the paging cursors read by {@link Cursors}, the documents written with {@link JsonDocs}.
 * Internal. Thread-safe.
 */
public final class Queries {

    private final Store store;
    private final JsonDocs docs;
    private final StatsQueries stats;

    /** Creates the service over {@code store}. */
    public Queries(Store store, JsonFactory json) {
        this.store = store;
        this.docs = new JsonDocs(json);
        this.stats = new StatsQueries(store, docs);
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
        return new Health(h.ok(), docs.document(g -> {
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
        return docs.document(g -> {
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
        RunCursor after = Cursors.runAfter(p.get("after"));
        RunSummary run = store.run(runId);
        if (run == null) {
            return null;
        }
        return out -> {
            try (JsonGenerator g = docs.factory().createGenerator(out)) {
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
            return eventsByTime(filter, Cursors.eventsBefore(p.get("before")), limit, latest);
        }
        Long before = p.longValue("before");
        List<EventRow> rows = store.events(filter, after, before, limit);
        return docs.document(g -> {
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
        return docs.document(g -> {
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

    /** Distinct users, models and event types, for the viewer's filter lists. */
    public byte[] facets() {
        Store.Facets f = store.facets();
        return docs.document(g -> {
            g.writeStartObject();
            stringArray(g, "users", f.users());
            stringArray(g, "models", f.models());
            stringArray(g, "event_types", f.eventTypes());
            stringArray(g, "call_types", f.callTypes());
            stringArray(g, "tags", f.tags());
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- aggregates

    /** Totals and per-model figures (calls, tokens, cost, errors, latency p50/p95) over {@code from}..{@code to}. */
    public byte[] modelStats(Params p) {
        return stats.modelStats(p);
    }

    /**
     * Calls, tokens and cost per model and bucket, plus events, errors, error rate and latency p50/p95 per bucket.
     * {@code bucket} is in seconds; without it a width giving about 60 buckets is chosen.
     */
    public byte[] timeseries(Params p) {
        return stats.timeseries(p);
    }

    /** Per tool: calls, failures, failure rate and call duration p50/p95 over {@code from}..{@code to}. */
    public byte[] toolStats(Params p) {
        return stats.toolStats(p);
    }

    /** Per user: runs, events, LLM calls, tokens, cost, errors, first and last seen, feedback. */
    public byte[] userStats(Params p) {
        return stats.userStats(p);
    }

    /** {@code user.feedback} per feedback type, and over all of them. */
    public byte[] feedbackStats(Params p) {
        return stats.feedbackStats(p);
    }

    /** Microseconds since the epoch as ISO-8601 UTC. */
    public static String iso(long micros) {
        return JsonDocs.iso(micros);
    }
}
