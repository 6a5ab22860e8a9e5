package com.insidellm.collector.store;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * Where the collector keeps events: everything ingest, the query API, the live tail and the server's lifecycle need
 * from storage, and nothing about how it is stored. SQL lives in the implementations ({@code store.sqlite} today; a
 * PostgreSQL one belongs in {@code store.postgres}). Internal.
 *
 * <p>Times are microseconds since the epoch (UTC), ranges half-open {@code [from, to)}; a null bound is open.
 * Sequence numbers order events by arrival, are assigned at commit, never reused (not even after retention), and are
 * what the live tail resumes from. Implementations are thread-safe. Storage failures surface as {@link
 * StoreException}; {@link #close()} is idempotent.
 *
 * <p><b>Errors are counted once per failure.</b> Where a figure says {@code errors} (runs, totals, users, time series)
 * it counts the events that are errors, except an {@code error} event that reports a failure another event already
 * reports: one whose parent is a failed event, or that shares its parent with a failed event that is not an {@code
 * error} (a tool's {@code error} and its failed {@code tool.response}, both children of the {@code tool.call}). Such
 * events still match {@code status=error} filters; only the counts skip them.
 *
 * <p><b>A run's own span</b> runs from its {@code run.start} to its {@code run.end}; a run missing either takes its
 * first or last event's timestamp instead. It orders the run list and gives a run's duration, so one event with a
 * stray timestamp does not stretch a run that has both.
 */
public interface Store extends AutoCloseable {

    /** Events per page when {@link #forEachRunEvent} walks a whole run. */
    int RUN_PAGE = 1000;

    /**
     * Most rows {@link #toolUsage}, {@link #userUsage} and {@link #feedbackUsage} return (the busiest first): tool
     * names, user ids and feedback types come from the applications, so their number has no bound of its own.
     */
    int MAX_GROUPS = 1_000;

    // ---------------------------------------------------------------- ingest

    /**
     * Stores {@code events} and returns once they are committed (an acknowledged event survives what the configured
     * durability promises). Idempotent: an event whose id (at the same timestamp) is already stored is reported as a
     * duplicate, not stored twice.
     *
     * @throws StoreBusyException if writes are queued beyond what the store buffers; the caller should retry later
     * @throws StoreException if the write failed or the store is closed; nothing of this call was stored
     * @throws InterruptedException if interrupted while waiting for the commit (the events may still be committed)
     */
    WriteOutcome write(List<StoredEvent> events) throws InterruptedException;

    // ---------------------------------------------------------------- live-tail sequence

    /** The highest sequence number that is committed and visible to readers. */
    long committedSeq();

    /**
     * Waits until events newer than {@code seq} are committed, the timeout passes or the store closes; returns the
     * committed sequence.
     */
    long awaitNewerThan(long seq, long timeoutMillis) throws InterruptedException;

    // ---------------------------------------------------------------- reads

    /** Runs matching {@code filter}, newest first (by the start of their own span), one page, with the total count. */
    RunPage runs(RunFilter filter, int limit, int offset);

    /** One run's summary, or null when no such run is stored. */
    @Nullable RunSummary run(String runId);

    /** Hands each event of the run to {@code sink} in time order (then by sequence), a page at a time. */
    default void forEachRunEvent(String runId, RowSink sink) throws IOException {
        RunCursor cursor = null;
        do {
            cursor = runEvents(runId, cursor, RUN_PAGE, sink);
        } while (cursor != null);
    }

    /**
     * Hands at most {@code limit} events of the run that come after {@code after} (from the first when null) to
     * {@code sink}, in time order then by sequence, and returns the cursor of the last one handed over, or null when
     * there was none. Memory stays bounded by one page however large the run.
     */
    @Nullable RunCursor runEvents(String runId, @Nullable RunCursor after, int limit, RowSink sink) throws IOException;

    /**
     * Matching events, at most {@code limit}: ascending by sequence after {@code after} when it is given (the live
     * tail), otherwise descending from {@code before} (exclusive) or from the newest.
     */
    List<EventRow> events(EventFilter filter, @Nullable Long after, @Nullable Long before, int limit);

    /**
     * Matching events by timestamp, newest first (then by sequence, newest first), at most {@code limit}, strictly
     * after {@code before} in that order when it is given: the events list, which pages with the last row's cursor.
     */
    List<TimedEventRow> eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit);

    /** Distinct users, models, event types, call types and tags, for filter lists. */
    Facets facets();

    /** Totals over a time range. */
    UsageTotals totals(@Nullable Long fromMicros, @Nullable Long toMicros);

    /** Per model figures of {@code llm.response} events over a time range, busiest model first. */
    List<ModelUsage> modelUsage(@Nullable Long fromMicros, @Nullable Long toMicros);

    /**
     * Per tool figures over a time range, most called first: every {@code tool.response} and {@code
     * function_execution} is a call, grouped by tool (function) name; a failed one is a failure; the duration is its
     * {@code execution_time_ms}. At most {@link #MAX_GROUPS} tools.
     */
    List<ToolUsage> toolUsage(@Nullable Long fromMicros, @Nullable Long toMicros);

    /**
     * Per user figures over a time range (the user's events within it), the user with most events first; at most
     * {@link #MAX_GROUPS} users.
     */
    List<UserUsage> userUsage(@Nullable Long fromMicros, @Nullable Long toMicros);

    /** {@code user.feedback} over a time range, per feedback type, most given first; at most {@link #MAX_GROUPS}. */
    List<FeedbackUsage> feedbackUsage(@Nullable Long fromMicros, @Nullable Long toMicros);

    /** The earliest and latest event timestamps within a range, or null when it holds no event. */
    @Nullable TimeRange timeRange(@Nullable Long fromMicros, @Nullable Long toMicros);

    /**
     * Events of {@code [fromMicros, toMicros)} aggregated into {@code bucketCount} buckets of {@code bucketMicros}
     * starting at {@code startMicros}.
     */
    Series series(long startMicros, long bucketMicros, int bucketCount, long fromMicros, long toMicros);

    // ---------------------------------------------------------------- operations

    /** Deletes what is older than the configured retention, if any. Implementations also run it on a schedule. */
    void applyRetention();

    /** Whether the store can serve, for {@code /health}. */
    Health health();

    /**
     * The gateway's conversation threading, kept in this store so it survives restarts. The default keeps nothing
     * (threading then lasts as long as the process); stores override it.
     */
    default ConversationStore conversations() {
        return ConversationStore.NONE;
    }

    /** Stops accepting writes, commits what is already queued, and releases connections. Idempotent. */
    @Override
    void close();

    // ---------------------------------------------------------------- value types

    /** What happened to one write: how many events are new, and the indexes (into the list) of the duplicates. */
    record WriteOutcome(int accepted, List<Integer> duplicates) {}

    /** An event as stored (its original JSON) with its sequence number. */
    record EventRow(long seq, String raw) {}

    /** An event as stored with its sequence number and timestamp (its place in time order). */
    record TimedEventRow(long seq, long timestampMicros, String raw) {
        /** Where this row stands in time order, to page on from it. */
        public TimeCursor cursor() {
            return new TimeCursor(timestampMicros, seq);
        }
    }

    /** A place in time order: a timestamp and, among events of that timestamp, a sequence number. */
    record TimeCursor(long timestampMicros, long seq) {}

    /** Receives events one by one, so a large run need not be held in memory twice. */
    @FunctionalInterface
    interface RowSink {
        /** Takes one event. */
        void accept(long seq, String raw) throws IOException;
    }

    /** One page of runs and how many match in all. */
    record RunPage(long total, List<RunSummary> runs) {}

    /**
     * A run's aggregates; times in microseconds; {@code models} sorted.
     *
     * @param name the run's name ({@code metadata.run_name}), else the name of its first top-level chain
     * @param firstInput the earliest {@code user.input}'s text (cut to {@value StoredEvent.Details#MAX_INPUT_TEXT}
     *     characters)
     * @param traceId the trace the run belongs to ({@code metadata.trace_id})
     * @param firstMicros the earliest event's timestamp
     * @param lastMicros the latest event's timestamp
     * @param startMicros the start of the run's own span: its {@code run.start}, else {@code firstMicros}
     * @param endMicros the end of the run's own span: its {@code run.end}, else {@code lastMicros}
     * @param errors failures, each counted once (see the interface's description)
     * @param feedback the run's {@code user.feedback}
     */
    record RunSummary(String runId, String userId, @Nullable String name, @Nullable String firstInput,
            @Nullable String traceId, long firstMicros, long lastMicros, long startMicros, long endMicros,
            long eventCount, long llmCalls, long tokens, double cost, long errors, boolean ended, List<String> models,
            Feedback feedback) {

        /** Copies {@code models}. */
        public RunSummary {
            models = List.copyOf(models);
        }

        /** The run's duration: from the start to the end of its own span, in microseconds. */
        public long durationMicros() {
            return Math.max(0, endMicros - startMicros);
        }
    }

    /**
     * {@code user.feedback} figures: how many, how many had a numeric {@link StoredEvent.Details#score() score}, and
     * the average score (null when none had one).
     */
    record Feedback(long count, long scored, @Nullable Double average) {
        /** No feedback. */
        public static final Feedback NONE = new Feedback(0, 0, null);

        /** Figures from a count, a count of scored ones and their sum. */
        public static Feedback of(long count, long scored, double sum) {
            return new Feedback(count, scored, scored == 0 ? null : sum / scored);
        }
    }

    /** Distinct values for the viewer's filter lists. */
    record Facets(List<String> users, List<String> models, List<String> eventTypes, List<String> callTypes,
            List<String> tags) {}

    /** Totals over a time range; {@code errors} are failures counted once. */
    record UsageTotals(long events, long errors, long runs, long llmCalls, long tokens, double cost) {}

    /** Nearest-rank latency percentiles in milliseconds; null when nothing reported a latency. */
    record Latency(@Nullable Double p50, @Nullable Double p95) {
        /** Percentiles of the values (a value that was actually observed). */
        public static Latency of(@Nullable List<Double> values) {
            if (values == null || values.isEmpty()) {
                return new Latency(null, null);
            }
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Latency(percentile(sorted, 50), percentile(sorted, 95));
        }

        /** Nearest-rank percentile of sorted values. */
        static double percentile(double[] sorted, int p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /**
     * One model's {@code llm.response} figures; {@code timeToFirstToken} over the responses that report one
     * (streamed ones).
     */
    record ModelUsage(@Nullable String model, @Nullable String provider, long calls, long promptTokens,
            long completionTokens, long tokens, double cost, long errors, Latency latency, Latency timeToFirstToken) {}

    /** One tool's calls, failures and call durations (milliseconds); {@code type} as the tool reported it. */
    record ToolUsage(String name, @Nullable String type, long calls, long failures, Latency duration) {}

    /** One user's figures; {@code errors} are failures counted once; times in microseconds. */
    record UserUsage(String userId, long runs, long events, long llmCalls, long tokens, double cost, long errors,
            long firstMicros, long lastMicros, Feedback feedback) {}

    /** One feedback type's figures. */
    record FeedbackUsage(String type, Feedback feedback) {}

    /** Earliest and latest timestamps, in microseconds. */
    record TimeRange(long minMicros, long maxMicros) {}

    /** Calls, tokens and cost of one model in one bucket. */
    record ModelTotals(long calls, long tokens, double cost) {}

    /** One time bucket; {@code errors} are failures counted once. */
    record SeriesBucket(long startMicros, long events, long errors, Latency latency, Map<String, ModelTotals> perModel) {}

    /** A time series: the models that appear and the buckets in time order. */
    record Series(SortedSet<String> models, List<SeriesBucket> buckets) {}

    /** A position in a run's events: the timestamp and sequence number of the last event of a page. */
    record RunCursor(long timestampMicros, long seq) {}

    /**
     * The store's state for {@code /health}: {@code kind} such as {@code sqlite}, {@code detail} for operators (never
     * a password), {@code store} facts added to the store's section (pool, schema), and {@code live} the live tail's
     * fan-out state (empty when there is none to report).
     */
    record Health(boolean ok, String kind, String detail, Map<String, Object> store, Map<String, Object> live) {

        /** Copies the maps. */
        public Health {
            store = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(store));
            live = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(live));
        }

        /** A state with nothing more to say. */
        public Health(boolean ok, String kind, String detail) {
            this(ok, kind, detail, Map.of(), Map.of());
        }
    }
}
