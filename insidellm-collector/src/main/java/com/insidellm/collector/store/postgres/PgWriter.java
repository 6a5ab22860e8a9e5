package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.Store.WriteOutcome;
import com.insidellm.collector.store.StoreBusyException;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's writer: one thread that takes every queued ingest request, writes them in one transaction and
 * completes them only after the commit (group commit). Each transaction first locks the single {@code insidellm_live}
 * row, so across all instances sequence numbers are assigned and committed in one order; a whole batch goes to the
 * database in one multi-row {@code INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING}, which both stores the new
 * events and reports, by their sequence numbers, which ones were not duplicates. Internal. Thread-safe.
 */
final class PgWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgWriter.class);

    /** Most events in one transaction: bounds the statement size and the time the global lock is held. */
    static final int MAX_EVENTS_PER_TRANSACTION = 10_000;
    /** Most events queued before ingest answers 503, bounding memory when the database cannot keep up. */
    static final int MAX_PENDING_EVENTS = 200_000;
    /** SQLSTATE for "no partition of relation found for row": another instance's retention dropped one we knew. */
    private static final String NO_PARTITION = "23514";

    private static final String INSERT_EVENTS = "INSERT INTO events (seq, event_id, run_id, parent_event_id, event_type,"
            + " user_id, ts, model, provider, prompt_tokens, completion_tokens, total_tokens, cost, latency_ms, is_error,"
            + " raw, search, received_at) SELECT u.*, ? FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[], ?::int8[], ?::text[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::float8[],"
            + " ?::float8[], ?::bool[], ?::text[], ?::text[]) AS u ON CONFLICT DO NOTHING RETURNING seq";

    private static final String UPSERT_RUNS = "INSERT INTO runs (run_id, user_id, first_ts, last_ts, event_count,"
            + " llm_calls, tokens, cost, errors, ended) SELECT * FROM unnest(?::text[], ?::text[], ?::int8[], ?::int8[],"
            + " ?::int8[], ?::int8[], ?::int8[], ?::float8[], ?::int8[], ?::bool[]) ON CONFLICT (run_id) DO UPDATE SET"
            + " first_ts = least(runs.first_ts, excluded.first_ts), last_ts = greatest(runs.last_ts, excluded.last_ts),"
            + " event_count = runs.event_count + excluded.event_count, llm_calls = runs.llm_calls + excluded.llm_calls,"
            + " tokens = runs.tokens + excluded.tokens, cost = runs.cost + excluded.cost,"
            + " errors = runs.errors + excluded.errors, ended = runs.ended OR excluded.ended";

    private record Request(List<StoredEvent> events, CompletableFuture<WriteOutcome> result) {}

    private final DataSource pool;
    private final Partitions partitions;
    private final SharedSequence sequence;
    private final LongConsumer committed;
    private final Clock clock;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final Set<String> knownTypes = ConcurrentHashMap.newKeySet();
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
            knownTypes.clear(); // types remembered in the rolled-back transaction were not stored
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

    private Written insert(Connection c, List<StoredEvent> events) throws SQLException {
        long base;
        try (PreparedStatement lock = c.prepareStatement("SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE");
                ResultSet rs = lock.executeQuery()) {
            rs.next();
            base = rs.getLong(1);
        }
        Set<Long> days = new TreeSet<>();
        int n = events.size();
        Long[] seq = new Long[n];
        String[] eventId = new String[n];
        String[] runId = new String[n];
        String[] parent = new String[n];
        String[] type = new String[n];
        String[] user = new String[n];
        Long[] ts = new Long[n];
        String[] model = new String[n];
        String[] provider = new String[n];
        Long[] prompt = new Long[n];
        Long[] completion = new Long[n];
        Long[] total = new Long[n];
        Double[] cost = new Double[n];
        Double[] latency = new Double[n];
        Boolean[] error = new Boolean[n];
        String[] raw = new String[n];
        String[] search = new String[n];
        for (int i = 0; i < n; i++) {
            StoredEvent e = events.get(i);
            seq[i] = base + 1 + i;
            eventId[i] = text(e.eventId());
            runId[i] = text(e.runId());
            parent[i] = text(e.parentEventId());
            type[i] = text(e.eventType());
            user[i] = text(e.userId());
            ts[i] = e.timestampMicros();
            model[i] = text(e.model());
            provider[i] = text(e.provider());
            prompt[i] = e.promptTokens();
            completion[i] = e.completionTokens();
            total[i] = e.totalTokens();
            cost[i] = e.cost();
            latency[i] = e.latencyMs();
            error[i] = e.error();
            raw[i] = e.rawJson();
            search[i] = SearchText.of(e.rawJson());
            days.add(Partitions.day(e.timestampMicros()));
        }
        partitions.ensure(c, days);
        boolean[] stored = new boolean[n];
        long lastSeq = 0;
        try (PreparedStatement st = c.prepareStatement(INSERT_EVENTS)) {
            st.setLong(1, clock.millis());
            Object[][] columns = {seq, eventId, runId, parent, type, user, ts, model, provider, prompt, completion, total,
                cost, latency, error, raw, search};
            String[] types = {"int8", "text", "text", "text", "text", "text", "int8", "text", "text", "int8", "int8",
                "int8", "float8", "float8", "bool", "text", "text"};
            for (int i = 0; i < columns.length; i++) {
                st.setArray(i + 2, c.createArrayOf(types[i], columns[i]));
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    stored[(int) (s - base - 1)] = true;
                    lastSeq = Math.max(lastSeq, s);
                }
            }
        }
        if (lastSeq == 0) {
            return new Written(stored, 0);
        }
        upsertRuns(c, events, stored);
        try (PreparedStatement st = c.prepareStatement("UPDATE insidellm_live SET last_seq = ? WHERE id = 1")) {
            st.setLong(1, lastSeq);
            st.executeUpdate();
        }
        return new Written(stored, lastSeq);
    }

    /** Per-run sums of the stored events of one transaction. */
    private static final class RunSums {
        final String user;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long count;
        long calls;
        long tokens;
        double cost;
        long errors;
        boolean ended;

        RunSums(String user) {
            this.user = user;
        }
    }

    private void upsertRuns(Connection c, List<StoredEvent> events, boolean[] stored) throws SQLException {
        Map<String, RunSums> runs = new LinkedHashMap<>();
        Set<List<String>> models = new HashSet<>();
        Set<String> newTypes = new TreeSet<>();
        for (int i = 0; i < events.size(); i++) {
            if (!stored[i]) {
                continue;
            }
            StoredEvent e = events.get(i);
            RunSums s = runs.computeIfAbsent(text(e.runId()), id -> new RunSums(text(e.userId())));
            s.first = Math.min(s.first, e.timestampMicros());
            s.last = Math.max(s.last, e.timestampMicros());
            s.count++;
            s.calls += e.eventType().equals("llm.response") ? 1 : 0;
            s.tokens += e.totalTokens() != null ? e.totalTokens() : 0;
            s.cost += e.cost() != null ? e.cost() : 0;
            s.errors += e.error() ? 1 : 0;
            s.ended |= e.eventType().equals("run.end");
            if (e.model() != null) {
                models.add(List.of(text(e.runId()), text(e.model())));
            }
            if (!knownTypes.contains(e.eventType())) {
                newTypes.add(text(e.eventType()));
            }
        }
        int n = runs.size();
        Object[][] cols = {new String[n], new String[n], new Long[n], new Long[n], new Long[n], new Long[n], new Long[n],
            new Double[n], new Long[n], new Boolean[n]};
        int i = 0;
        for (Map.Entry<String, RunSums> e : runs.entrySet()) {
            RunSums s = e.getValue();
            Object[] row = {e.getKey(), s.user, s.first, s.last, s.count, s.calls, s.tokens, s.cost, s.errors, s.ended};
            for (int col = 0; col < row.length; col++) {
                cols[col][i] = row[col];
            }
            i++;
        }
        String[] types = {"text", "text", "int8", "int8", "int8", "int8", "int8", "float8", "int8", "bool"};
        try (PreparedStatement st = c.prepareStatement(UPSERT_RUNS)) {
            for (int col = 0; col < cols.length; col++) {
                st.setArray(col + 1, c.createArrayOf(types[col], cols[col]));
            }
            st.executeUpdate();
        }
        if (!models.isEmpty()) {
            String[] run = models.stream().map(m -> m.get(0)).toArray(String[]::new);
            String[] model = models.stream().map(m -> m.get(1)).toArray(String[]::new);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO run_models (run_id, model) SELECT * FROM"
                    + " unnest(?::text[], ?::text[]) ON CONFLICT DO NOTHING")) {
                st.setArray(1, c.createArrayOf("text", run));
                st.setArray(2, c.createArrayOf("text", model));
                st.executeUpdate();
            }
        }
        if (!newTypes.isEmpty()) {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO event_types (event_type) SELECT * FROM"
                    + " unnest(?::text[]) ON CONFLICT DO NOTHING")) {
                Array array = c.createArrayOf("text", newTypes.toArray(String[]::new));
                st.setArray(1, array);
                st.executeUpdate();
            }
            // Remembered before the commit: writeBatch forgets them all if the transaction fails.
            knownTypes.addAll(newTypes);
        }
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
