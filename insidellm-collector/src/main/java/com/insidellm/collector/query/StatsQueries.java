package com.insidellm.collector.query;

import static com.insidellm.collector.query.JsonDocs.iso;
import static com.insidellm.collector.query.JsonDocs.stringArray;
import static com.insidellm.collector.query.JsonDocs.writeFeedback;
import static com.insidellm.collector.query.JsonDocs.writeLatency;
import static com.insidellm.collector.query.JsonDocs.writePercentiles;

import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.FeedbackUsage;
import com.insidellm.collector.store.Store.ModelTotals;
import com.insidellm.collector.store.Store.ModelUsage;
import com.insidellm.collector.store.Store.Series;
import com.insidellm.collector.store.Store.SeriesBucket;
import com.insidellm.collector.store.Store.TimeRange;
import com.insidellm.collector.store.Store.ToolUsage;
import com.insidellm.collector.store.Store.UsageTotals;
import com.insidellm.collector.store.Store.UserUsage;
import java.util.List;
import java.util.Map;

/**
 * The aggregate answers, {@code /api/v1/stats/*}: per model, over time, per tool, per user, per feedback type, each
 * over {@code from}..{@code to}. Thread-safe.
 */
final class StatsQueries {

    /** Bucket widths the time series picks from, in seconds. */
    private static final long[] BUCKETS = {1, 5, 10, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
            86_400, 7 * 86_400};
    private static final int TARGET_BUCKETS = 60;
    private static final long MAX_BUCKETS = 2000;

    private final Store store;
    private final JsonDocs docs;

    StatsQueries(Store store, JsonDocs docs) {
        this.store = store;
        this.docs = docs;
    }

    /** Totals and per-model figures (calls, tokens, cost, errors, latency p50/p95) over {@code from}..{@code to}. */
    byte[] modelStats(Params p) {
        Long from = p.time("from");
        Long to = p.time("to");
        List<ModelUsage> models = store.modelUsage(from, to);
        UsageTotals t = store.totals(from, to);
        return docs.document(g -> {
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
    byte[] timeseries(Params p) {
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
        return docs.document(g -> {
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
    byte[] toolStats(Params p) {
        List<ToolUsage> tools = store.toolUsage(p.time("from"), p.time("to"));
        return docs.document(g -> {
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
    byte[] userStats(Params p) {
        List<UserUsage> users = store.userUsage(p.time("from"), p.time("to"));
        return docs.document(g -> {
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
    byte[] feedbackStats(Params p) {
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
        return docs.document(g -> {
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

    private byte[] emptySeries() {
        return docs.document(g -> {
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
}
