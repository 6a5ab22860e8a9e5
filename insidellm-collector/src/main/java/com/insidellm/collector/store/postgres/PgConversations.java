package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.sql.ConversationSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The gateway's conversation threading in two small tables (migration V4): {@code conversation_threads} (fingerprint →
 * run, the newest {@value #KEEP_THREADS} kept) and {@code conversation_runs} (runs opened and not yet ended). Several
 * instances may save at once: rows are written in key order (so two transactions never wait on each other in
 * opposite orders), a run's last activity only moves forward, one instance at a time trims (a transaction-scoped
 * advisory lock), and a transaction that still meets a deadlock is retried. Internal. Thread-safe.
 */
final class PgConversations implements ConversationStore {

    /** Fingerprints kept: the newest ones, twice what the gateway loads at start (as in the SQLite store). */
    static final int KEEP_THREADS = 200_000;
    /** Fingerprints saved by this instance between two trims. */
    private static final int TRIM_EVERY = 50_000;
    /** Held by the instance that trims, for its transaction; an arbitrary constant beside the migration lock's. */
    private static final long TRIM_LOCK = 0x1_75_1de_12L;
    private static final int ATTEMPTS = 3;

    private final PgSql sql;
    private final DataSource pool;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private int savedSinceTrim;

    PgConversations(DataSource pool) {
        this.pool = pool;
        this.sql = new PgSql(pool);
    }

    @Override
    public List<Thread> recentThreads(int limit) {
        return sql.read(c -> ConversationSql.recentThreads(c, limit));
    }

    @Override
    public List<OpenRun> openRuns() {
        return sql.read(ConversationSql::openRuns);
    }

    @Override
    public void save(List<Thread> threads, List<OpenRun> open, List<String> ended) {
        if (threads.isEmpty() && open.isEmpty() && ended.isEmpty()) {
            return;
        }
        // One row per key, in key order: a multi-row upsert may not touch a row twice, and a fixed order keeps two
        // instances' transactions from locking the same rows in opposite orders.
        Map<String, Thread> byFingerprint = new TreeMap<>();
        for (Thread t : threads) {
            byFingerprint.merge(t.fingerprint(), t, (a, b) -> b.atMicros() >= a.atMicros() ? b : a);
        }
        Map<String, OpenRun> byRun = new TreeMap<>();
        for (OpenRun r : open) {
            byRun.merge(r.runId(), r, (a, b) -> new OpenRun(a.runId(), a.userId(),
                    Math.min(a.startedMicros(), b.startedMicros()), Math.max(a.lastMicros(), b.lastMicros())));
        }
        TreeSet<String> gone = new TreeSet<>(ended);
        boolean trim;
        synchronized (lock) {
            savedSinceTrim += byFingerprint.size();
            trim = savedSinceTrim >= TRIM_EVERY;
            if (trim) {
                savedSinceTrim = 0;
            }
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                transaction(c, byFingerprint.values(), byRun.values(), gone, trim);
                return;
            } catch (SQLException e) {
                boolean retry = "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
                if (!retry || attempt == ATTEMPTS) {
                    throw new StoreException("saving conversation threading failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private static void transaction(Connection c, Iterable<Thread> threads, Iterable<OpenRun> open,
            Iterable<String> ended, boolean trim) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement t = c.prepareStatement("INSERT INTO conversation_threads AS ct (fingerprint, run_id,"
                        + " seen) VALUES (?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET run_id = excluded.run_id,"
                        + " seen = excluded.seen WHERE excluded.seen >= ct.seen");
                PreparedStatement r = c.prepareStatement("INSERT INTO conversation_runs AS cr (run_id, user_id, started,"
                        + " last_active) VALUES (?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET"
                        + " last_active = greatest(cr.last_active, excluded.last_active)");
                PreparedStatement e = c.prepareStatement("DELETE FROM conversation_runs WHERE run_id = ?")) {
            ConversationSql.save(t, r, e, threads, open, ended);
            if (trim) {
                trim(c);
            }
            c.commit();
        } catch (SQLException | RuntimeException failure) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Every call adds a fingerprint: keeps the newest, which are the ones ever looked up. One instance at a time. */
    private static void trim(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, TRIM_LOCK);
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return; // another instance is trimming right now
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM conversation_threads WHERE seen <"
                + " (SELECT seen FROM conversation_threads ORDER BY seen DESC LIMIT 1 OFFSET ?)")) {
            st.setInt(1, KEEP_THREADS);
            st.executeUpdate();
        }
    }
}
