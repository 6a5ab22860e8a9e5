package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.sql.ConversationSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's conversation threading in two small tables of the event database: {@code conversation_threads}
 * (fingerprint → run, the newest {@value #KEEP_THREADS} kept) and {@code conversation_runs} (runs opened and not
 * yet ended). Writes run in the single
 * writer's place ({@link GroupCommitWriter#exclusive}), so they never contend with ingest for the write lock; reads use
 * the read pool. Internal. Thread-safe.
 */
final class SqliteConversations implements ConversationStore {

    /**
     * {@code conversation_threads} is a log in insertion order, not a table keyed by fingerprint: fingerprints are
     * random (SHA-256), so with the fingerprint as key every remembered call wrote a page at a random place in the
     * tree, and each commit wrote one such page to the WAL per call — a fifth of the gateway recorder's CPU. Appended
     * rows fill pages in order. A fingerprint remembered again (its conversation moved to another run) adds a row;
     * {@link #recentThreads} answers the newest row of each, as the upsert kept it. The trim keeps the newest {@value
     * #KEEP_THREADS} rows.
     */
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS conversation_threads (
              fingerprint TEXT NOT NULL,
              run_id TEXT NOT NULL,
              seen INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS conversation_threads_seen ON conversation_threads(seen);
            CREATE TABLE IF NOT EXISTS conversation_runs (
              run_id TEXT PRIMARY KEY,
              user_id TEXT NOT NULL,
              started INTEGER NOT NULL,
              last_active INTEGER NOT NULL
            ) WITHOUT ROWID""";

    /** Fingerprints kept: the newest ones, twice what the gateway loads at start. */
    static final int KEEP_THREADS = 200_000;
    /** Fingerprints saved between two trims. */
    private static final int TRIM_EVERY = 50_000;

    private final GroupCommitWriter writer;
    private final ReadPool reads;
    /** Written by the one thread that saves (the gateway's recorder), under the writer's lock. */
    private int savedSinceTrim;
    /**
     * The save's statements on the write connection, prepared at the first save (preparing three per save was a
     * visible share of it); used under the writer's lock only, closed with the connection.
     */
    private @Nullable PreparedStatement insertThread;
    private @Nullable PreparedStatement upsertRun;
    private @Nullable PreparedStatement deleteRun;

    SqliteConversations(GroupCommitWriter writer, ReadPool reads) {
        this.writer = writer;
        this.reads = reads;
    }

    /**
     * Creates the tables on the write connection (idempotent); a database from a build that keyed {@code
     * conversation_threads} by fingerprint has its rows moved into the log, oldest first.
     */
    static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            boolean keyed;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table'"
                    + " AND name = 'conversation_threads'")) {
                keyed = rs.next() && rs.getString(1).toUpperCase(java.util.Locale.ROOT).contains("WITHOUT ROWID");
            }
            if (keyed) {
                st.executeUpdate("DROP INDEX IF EXISTS conversation_threads_seen");
                st.executeUpdate("ALTER TABLE conversation_threads RENAME TO conversation_threads_keyed");
            }
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.executeUpdate(ddl);
                }
            }
            if (keyed) {
                st.executeUpdate("INSERT INTO conversation_threads(fingerprint, run_id, seen) SELECT fingerprint,"
                        + " run_id, seen FROM conversation_threads_keyed ORDER BY seen, fingerprint");
                st.executeUpdate("DROP TABLE conversation_threads_keyed");
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /** The newest {@code limit} fingerprints, newest first, each once: its newest row (the log may hold several). */
    @Override
    public List<Thread> recentThreads(int limit) {
        return reads.read(c -> {
            List<Thread> out = new java.util.ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            try (PreparedStatement st = c.prepareStatement("SELECT fingerprint, run_id, seen FROM"
                    + " conversation_threads ORDER BY seen DESC, fingerprint, rowid DESC");
                    java.sql.ResultSet rs = st.executeQuery()) {
                while (out.size() < limit && rs.next()) {
                    if (seen.add(rs.getString(1))) {
                        out.add(new Thread(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<OpenRun> openRuns() {
        return reads.read(ConversationSql::openRuns);
    }

    @Override
    public void save(List<Thread> threads, List<OpenRun> open, List<String> ended) {
        if (threads.isEmpty() && open.isEmpty() && ended.isEmpty()) {
            return;
        }
        try {
            writer.exclusive((c, lastSeq) -> {
                PreparedStatement t = insertThread;
                PreparedStatement r = upsertRun;
                PreparedStatement e = deleteRun;
                if (t == null || r == null || e == null) {
                    t = c.prepareStatement("INSERT INTO conversation_threads(fingerprint, run_id, seen)"
                            + " VALUES (?,?,?)");
                    r = c.prepareStatement("INSERT INTO conversation_runs(run_id, user_id, started,"
                            + " last_active) VALUES (?,?,?,?) ON CONFLICT(run_id) DO UPDATE SET"
                            + " last_active = max(last_active, excluded.last_active)");
                    e = c.prepareStatement("DELETE FROM conversation_runs WHERE run_id = ?");
                    insertThread = t;
                    upsertRun = r;
                    deleteRun = e;
                }
                try {
                    ConversationSql.save(t, r, e, threads, open, ended);
                    savedSinceTrim += threads.size();
                    if (savedSinceTrim >= TRIM_EVERY) {
                        // Every call adds a fingerprint: keep the newest, which are the ones ever looked up.
                        try (PreparedStatement trim = c.prepareStatement("DELETE FROM conversation_threads WHERE seen <"
                                + " (SELECT seen FROM conversation_threads ORDER BY seen DESC LIMIT 1 OFFSET ?)")) {
                            trim.setInt(1, KEEP_THREADS);
                            trim.executeUpdate();
                        }
                        savedSinceTrim = 0;
                    }
                    c.commit();
                } catch (SQLException failure) {
                    // The statements stay for the next save: nothing of this one may be left in their batches.
                    t.clearBatch();
                    r.clearBatch();
                    e.clearBatch();
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the next write starts a fresh transaction anyway
                    }
                    throw failure;
                }
            });
        } catch (SQLException e) {
            throw new StoreException("saving conversation threading failed: " + e.getMessage(), e);
        }
    }
}
