package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.Store.WriteOutcome;
import com.insidellm.collector.store.StoreBusyException;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's writer: one thread that takes every queued ingest request, writes them in one transaction and
 * completes them only after the commit (group commit). A transaction is three round trips and a commit: {@code COPY}
 * (PostgreSQL's bulk load) into a session-local staging table, then one statement that locks the single {@code
 * insidellm_live} row, stores the staged events that are not duplicates with the next sequence numbers, folds them
 * into their runs and advances the sequence. The row lock orders all instances' commits, so sequence numbers are
 * committed in the order they are assigned, and is held only for that statement and the commit. Internal.
 * Thread-safe.
 */
final class PgWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgWriter.class);

    /** Most events in one transaction: bounds the statement size and the time the global lock is held. */
    static final int MAX_EVENTS_PER_TRANSACTION = 10_000;
    /** Most events queued before ingest answers 503, bounding memory when the database cannot keep up. */
    static final int MAX_PENDING_EVENTS = 200_000;
    /** SQLSTATE for "no partition of relation found for row": another instance's retention dropped one we knew. */
    private static final String NO_PARTITION = "23514";

    /**
     * This session's staging table; COPY fills it, the commit empties it. Beside the event's columns it carries what
     * only the run needs ({@code run_name}, {@code input_text}) and the tags joined by U+001F.
     */
    private static final String STAGING_TABLE = "CREATE TEMP TABLE IF NOT EXISTS incoming_events (ord integer,"
            + " event_id text, run_id text, parent_event_id text, event_type text, user_id text, ts bigint, model text,"
            + " provider text, prompt_tokens bigint, completion_tokens bigint, total_tokens bigint,"
            + " cost double precision, latency_ms double precision, is_error boolean, raw text, search text,"
            + " received_at bigint, call_type text, trace_id text, name text, score double precision,"
            + " ttft_ms double precision, run_name text, input_text text, tags text) ON COMMIT DELETE ROWS";

    private static final String COPY_STAGING = "COPY incoming_events FROM STDIN";

    /**
     * Everything else in one statement, so the global lock is held for one round trip and the commit: lock the
     * sequence row, store the staged events that are new (numbered after the last sequence, in batch order), fold
     * them into their runs (sums; the best-ranked name — {@code metadata.run_name} over a top-level chain's name —,
     * the earliest input, the run's own span from {@code run.start} to {@code run.end}, feedback), models, tags, call
     * types and event types, advance the sequence, and return each stored event's number with the number before the
     * batch (so the writer knows which positions were duplicates). Events of a run may arrive in any order and in
     * several transactions, so each run column merges with what is stored.
     */
    private static final String STORE = """
            WITH incoming AS (%s), live AS (
              SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE
            ), stored AS (
              INSERT INTO events (seq, event_id, run_id, parent_event_id, event_type, user_id, ts, model, provider,
                prompt_tokens, completion_tokens, total_tokens, cost, latency_ms, is_error, raw, search, received_at,
                call_type, trace_id, name, score, ttft_ms)
              SELECT live.last_seq + i.ord, i.event_id, i.run_id, i.parent_event_id, i.event_type, i.user_id, i.ts,
                i.model, i.provider, i.prompt_tokens, i.completion_tokens, i.total_tokens, i.cost, i.latency_ms,
                i.is_error, i.raw, i.search, i.received_at, i.call_type, i.trace_id, i.name, i.score, i.ttft_ms
              FROM incoming i CROSS JOIN live ORDER BY i.ord
              ON CONFLICT DO NOTHING
              RETURNING seq
            ), fresh AS (
              SELECT i.*, s.seq, CASE WHEN i.run_name IS NOT NULL THEN 2
                WHEN i.event_type = 'chain.start' AND i.parent_event_id IS NULL AND i.name IS NOT NULL THEN 1
                ELSE 0 END AS name_rank
              FROM stored s CROSS JOIN live JOIN incoming i ON i.ord = s.seq - live.last_seq
            ), run_sums AS (
              INSERT INTO runs AS r (run_id, user_id, first_ts, last_ts, event_count, llm_calls, tokens, cost, errors,
                ended, name, name_rank, first_input, first_input_ts, trace_id, start_ts, end_ts, feedback_count,
                feedback_scored, feedback_sum)
              SELECT run_id, (array_agg(user_id ORDER BY seq))[1], min(ts), max(ts), count(*),
                count(*) FILTER (WHERE event_type = 'llm.response'), coalesce(sum(total_tokens), 0),
                coalesce(sum(cost), 0), count(*) FILTER (WHERE is_error), bool_or(event_type = 'run.end'),
                (array_agg(coalesce(run_name, name) ORDER BY name_rank DESC, ts) FILTER (WHERE name_rank > 0))[1],
                max(name_rank),
                (array_agg(input_text ORDER BY ts) FILTER (WHERE input_text IS NOT NULL))[1],
                min(ts) FILTER (WHERE input_text IS NOT NULL),
                (array_agg(trace_id ORDER BY seq) FILTER (WHERE trace_id IS NOT NULL))[1],
                min(ts) FILTER (WHERE event_type = 'run.start'), max(ts) FILTER (WHERE event_type = 'run.end'),
                count(*) FILTER (WHERE event_type = 'user.feedback'),
                count(score) FILTER (WHERE event_type = 'user.feedback'),
                coalesce(sum(score) FILTER (WHERE event_type = 'user.feedback'), 0)
              FROM fresh GROUP BY run_id
              ON CONFLICT (run_id) DO UPDATE SET first_ts = least(r.first_ts, excluded.first_ts),
                last_ts = greatest(r.last_ts, excluded.last_ts), event_count = r.event_count + excluded.event_count,
                llm_calls = r.llm_calls + excluded.llm_calls, tokens = r.tokens + excluded.tokens,
                cost = r.cost + excluded.cost, errors = r.errors + excluded.errors, ended = r.ended OR excluded.ended,
                name = CASE WHEN excluded.name_rank > r.name_rank THEN excluded.name ELSE r.name END,
                name_rank = greatest(r.name_rank, excluded.name_rank),
                first_input = CASE WHEN excluded.first_input_ts < r.first_input_ts OR r.first_input_ts IS NULL
                  THEN coalesce(excluded.first_input, r.first_input) ELSE r.first_input END,
                first_input_ts = least(r.first_input_ts, excluded.first_input_ts),
                trace_id = coalesce(r.trace_id, excluded.trace_id),
                start_ts = least(r.start_ts, excluded.start_ts), end_ts = greatest(r.end_ts, excluded.end_ts),
                feedback_count = r.feedback_count + excluded.feedback_count,
                feedback_scored = r.feedback_scored + excluded.feedback_scored,
                feedback_sum = r.feedback_sum + excluded.feedback_sum
            ), models AS (
              INSERT INTO run_models (run_id, model) SELECT DISTINCT run_id, model FROM fresh WHERE model IS NOT NULL
              ON CONFLICT DO NOTHING
            ), tags AS (
              INSERT INTO event_tags (tag, seq, ts)
              SELECT DISTINCT t.tag, f.seq, f.ts FROM fresh f CROSS JOIN unnest(string_to_array(f.tags, chr(31))) AS t(tag)
              WHERE f.tags IS NOT NULL
              ON CONFLICT DO NOTHING
            ), types AS (
              INSERT INTO event_types (event_type) SELECT DISTINCT event_type FROM fresh ON CONFLICT DO NOTHING
            ), calls AS (
              INSERT INTO call_types (call_type) SELECT DISTINCT call_type FROM fresh WHERE call_type IS NOT NULL
              ON CONFLICT DO NOTHING
            ), advanced AS (
              UPDATE insidellm_live SET last_seq = (SELECT max(seq) FROM stored)
              WHERE id = 1 AND EXISTS (SELECT 1 FROM stored)
            )
            SELECT stored.seq, live.last_seq FROM stored CROSS JOIN live""";

    /** {@link #STORE} over the staging table that COPY filled. */
    private static final String STORE_STAGED = STORE.formatted("SELECT * FROM incoming_events");

    /** The staging table's columns and their array types, for {@link #STORE_INLINE}. */
    private static final String[][] COLUMNS = {{"ord", "int4"}, {"event_id", "text"}, {"run_id", "text"},
        {"parent_event_id", "text"}, {"event_type", "text"}, {"user_id", "text"}, {"ts", "int8"}, {"model", "text"},
        {"provider", "text"}, {"prompt_tokens", "int8"}, {"completion_tokens", "int8"}, {"total_tokens", "int8"},
        {"cost", "float8"}, {"latency_ms", "float8"}, {"is_error", "bool"}, {"raw", "text"}, {"search", "text"},
        {"received_at", "int8"}, {"call_type", "text"}, {"trace_id", "text"}, {"name", "text"}, {"score", "float8"},
        {"ttft_ms", "float8"}, {"run_name", "text"}, {"input_text", "text"}, {"tags", "text"}};

    /**
     * {@link #STORE} with the batch in its parameters (one array per column): the whole write is one statement, run
     * in auto-commit, so a small batch costs one round trip and the global lock is held for that statement only.
     */
    private static final String STORE_INLINE = STORE.formatted("SELECT * FROM unnest("
            + java.util.Arrays.stream(COLUMNS).map(c -> "?::" + c[1] + "[]").collect(java.util.stream.Collectors.joining(", "))
            + ") AS u(" + java.util.Arrays.stream(COLUMNS).map(c -> c[0]).collect(java.util.stream.Collectors.joining(", "))
            + ")");

    /** Batches up to this size go in one statement ({@link #STORE_INLINE}); larger ones by COPY, where it is faster. */
    static final int INLINE_MAX_EVENTS = 1000;

    private record Request(List<StoredEvent> events, CompletableFuture<WriteOutcome> result) {}

    private final DataSource pool;
    private final Partitions partitions;
    private final SharedSequence sequence;
    private final LongConsumer committed;
    private final Clock clock;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    /** Connections (this writer's, from the pool) that already have their staging table. */
    private final Set<PGConnection> withStaging = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
    private final Thread thread;
    private volatile boolean closing;

    /**
     * Starts the writer thread. {@code committed} hears the new highest sequence number after each commit that stored
     * something (the fan-out publishes it).
     */
    PgWriter(DataSource pool, Partitions partitions, SharedSequence sequence, LongConsumer committed, Clock clock) {
        this.pool = pool;
        this.partitions = partitions;
        this.sequence = sequence;
        this.committed = committed;
        this.clock = clock;
        this.thread = new Thread(this::run, "insidellm-collector-pg-writer");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("the PostgreSQL writer thread failed", e));
        thread.start();
    }

    /** Queues {@code events} for the next transaction and returns once it has committed. */
    WriteOutcome write(List<StoredEvent> events) throws InterruptedException {
        if (events.isEmpty()) {
            return new WriteOutcome(0, List.of());
        }
        if (closing) {
            throw new StoreException("the collector is shutting down");
        }
        if (pendingEvents.addAndGet(events.size()) > MAX_PENDING_EVENTS) {
            pendingEvents.addAndGet(-events.size());
            throw new StoreBusyException("too many events waiting to be written");
        }
        Request request = new Request(events, new CompletableFuture<>());
        queue.add(request);
        try {
            return request.result().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("writing events failed: " + cause, cause);
        }
    }

    private void run() {
        while (true) {
            Request first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            List<Request> batch = new ArrayList<>();
            batch.add(first);
            int events = first.events().size();
            Request next;
            while (events < MAX_EVENTS_PER_TRANSACTION && (next = queue.poll()) != null) {
                batch.add(next);
                events += next.events().size();
            }
            pendingEvents.addAndGet(-events);
            writeBatch(batch);
        }
    }

    private void writeBatch(List<Request> batch) {
        List<StoredEvent> all = new ArrayList<>();
        for (Request r : batch) {
            all.addAll(r.events());
        }
        Written written;
        try {
            try {
                written = transaction(all);
            } catch (SQLException e) {
                if (!NO_PARTITION.equals(e.getSQLState())) {
                    throw e;
                }
                partitions.forget();
                written = transaction(all);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("writing {} ingest requests ({} events) failed; they are answered with an error", batch.size(),
                    all.size(), e);
            StoreException failure = new StoreException("writing events failed: " + e.getMessage(), e);
            batch.forEach(r -> r.result().completeExceptionally(failure));
            return;
        }
        if (written.lastSeq() > 0) {
            // Before the acknowledgements: a client that got its answer finds its events in committedSeq().
            sequence.advanceTo(written.lastSeq());
            committed.accept(written.lastSeq());
        }
        int offset = 0;
        for (Request r : batch) {
            int accepted = 0;
            List<Integer> duplicates = new ArrayList<>();
            for (int i = 0; i < r.events().size(); i++) {
                if (written.stored()[offset + i]) {
                    accepted++;
                } else {
                    duplicates.add(i);
                }
            }
            offset += r.events().size();
            r.result().complete(new WriteOutcome(accepted, duplicates));
        }
    }

    /** Which events were stored (not duplicates), and the highest sequence number committed, 0 if none. */
    private record Written(boolean[] stored, long lastSeq) {}

    private Written transaction(List<StoredEvent> events) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (events.size() <= INLINE_MAX_EVENTS && partitions.knowsAll(days(events))) {
                c.setAutoCommit(true);
                return inline(c, events);
            }
            c.setAutoCommit(false);
            try {
                Written w = insert(c, events);
                c.commit();
                return w;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    private static Set<Long> days(List<StoredEvent> events) {
        Set<Long> days = new TreeSet<>();
        for (StoredEvent e : events) {
            days.add(Partitions.day(e.timestampMicros()));
        }
        return days;
    }

    /** Stores a small batch with one statement in auto-commit: it commits when it returns. */
    private Written inline(Connection c, List<StoredEvent> events) throws SQLException {
        int n = events.size();
        Object[][] columns = new Object[COLUMNS.length][];
        columns[0] = new Integer[n];
        for (int k = 1; k < COLUMNS.length; k++) {
            columns[k] = switch (COLUMNS[k][1]) {
                case "int8" -> new Long[n];
                case "float8" -> new Double[n];
                case "bool" -> new Boolean[n];
                default -> new String[n];
            };
        }
        long receivedAt = clock.millis();
        for (int i = 0; i < n; i++) {
            StoredEvent e = events.get(i);
            StoredEvent.Details d = e.details();
            Object[] row = {i + 1, text(e.eventId()), text(e.runId()), text(e.parentEventId()), text(e.eventType()),
                text(e.userId()), e.timestampMicros(), text(e.model()), text(e.provider()), e.promptTokens(),
                e.completionTokens(), e.totalTokens(), e.cost(), e.latencyMs(), e.error(), text(e.rawJson()),
                SearchText.of(e.rawJson()), receivedAt, text(d.callType()), text(d.traceId()), text(d.name()),
                d.score(), d.timeToFirstTokenMs(), text(d.runName()), text(d.inputText()),
                d.tags().isEmpty() ? null : text(String.join("\u001f", d.tags()))};
            for (int k = 0; k < row.length; k++) {
                columns[k][i] = row[k];
            }
        }
        try (java.sql.PreparedStatement st = c.prepareStatement(STORE_INLINE)) {
            for (int k = 0; k < COLUMNS.length; k++) {
                st.setArray(k + 1, c.createArrayOf(COLUMNS[k][1], columns[k]));
            }
            try (ResultSet rs = st.executeQuery()) {
                return written(rs, n);
            }
        }
    }

    private static Written written(ResultSet rs, int n) throws SQLException {
        boolean[] stored = new boolean[n];
        long lastSeq = 0;
        while (rs.next()) {
            long seq = rs.getLong(1);
            stored[(int) (seq - rs.getLong(2) - 1)] = true;
            lastSeq = Math.max(lastSeq, seq);
        }
        return new Written(stored, lastSeq);
    }

    private Written insert(Connection c, List<StoredEvent> events) throws SQLException {
        Set<Long> days = days(events);
        if (!partitions.knowsAll(days)) {
            // Rare (a new day): create the partitions under the global lock, so instances never race to create one.
            try (Statement st = c.createStatement()) {
                st.execute("SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE");
            }
            partitions.ensure(c, days);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        if (!withStaging.contains(pg)) {
            try (Statement st = c.createStatement()) {
                st.execute(STAGING_TABLE);
            }
            withStaging.add(pg);
        }
        try {
            pg.getCopyAPI().copyIn(COPY_STAGING, new StringReader(copyRows(events, clock.millis())));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(STORE_STAGED)) {
            return written(rs, events.size());
        }
    }

    /**
     * The batch in COPY's text format, one line per event: its position in the batch (1-based, which becomes the
     * offset of its sequence number), then the columns.
     */
    private static String copyRows(List<StoredEvent> events, long receivedAt) {
        StringBuilder rows = new StringBuilder(events.size() * 1400);
        for (int i = 0; i < events.size(); i++) {
            StoredEvent e = events.get(i);
            rows.append(i + 1).append('\t');
            field(rows, e.eventId()).append('\t');
            field(rows, e.runId()).append('\t');
            field(rows, e.parentEventId()).append('\t');
            field(rows, e.eventType()).append('\t');
            field(rows, e.userId()).append('\t');
            rows.append(e.timestampMicros()).append('\t');
            field(rows, e.model()).append('\t');
            field(rows, e.provider()).append('\t');
            field(rows, e.promptTokens()).append('\t');
            field(rows, e.completionTokens()).append('\t');
            field(rows, e.totalTokens()).append('\t');
            field(rows, e.cost()).append('\t');
            field(rows, e.latencyMs()).append('\t');
            rows.append(e.error() ? 't' : 'f').append('\t');
            field(rows, e.rawJson()).append('\t');
            field(rows, SearchText.of(e.rawJson())).append('\t');
            rows.append(receivedAt).append('\t');
            StoredEvent.Details d = e.details();
            field(rows, d.callType()).append('\t');
            field(rows, d.traceId()).append('\t');
            field(rows, d.name()).append('\t');
            field(rows, d.score()).append('\t');
            field(rows, d.timeToFirstTokenMs()).append('\t');
            field(rows, d.runName()).append('\t');
            field(rows, d.inputText()).append('\t');
            field(rows, d.tags().isEmpty() ? null : String.join("\u001f", d.tags())).append('\n');
        }
        return rows.toString();
    }

    /** Appends a value in COPY's text format: {@code \N} for null, backslash, tab and line breaks escaped. */
    private static StringBuilder field(StringBuilder out, @Nullable Object value) {
        if (value == null) {
            return out.append("\\N");
        }
        if (!(value instanceof String s)) {
            return out.append(value);
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append('\ufffd'); // PostgreSQL text cannot hold NUL
                default -> out.append(ch);
            }
        }
        return out;
    }

    /** PostgreSQL text cannot hold NUL; such a character (legal in JSON) is stored as U+FFFD. */
    static @Nullable String text(@Nullable String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\ufffd');
    }

    /** Stops accepting writes, writes what is queued, and stops the thread (waiting up to 10 s). */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Request r;
        while ((r = queue.poll()) != null) {
            r.result().completeExceptionally(new StoreException("the collector is shutting down"));
        }
    }
}
