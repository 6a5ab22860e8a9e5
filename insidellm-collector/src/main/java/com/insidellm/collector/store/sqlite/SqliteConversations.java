package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.sql.ConversationSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The gateway's conversation threading in two small tables of the event database: {@code conversation_threads}
 * (fingerprint → run, the newest {@value #KEEP_THREADS} kept) and {@code conversation_runs} (runs opened and not
 * yet ended). Writes run in the single
 * writer's place ({@link GroupCommitWriter#exclusive}), so they never contend with ingest for the write lock; reads use
 * the read pool. Internal. Thread-safe.
 */
final class SqliteConversations implements ConversationStore {

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS conversation_threads (
              fingerprint TEXT PRIMARY KEY,
              run_id TEXT NOT NULL,
              seen INTEGER NOT NULL
            ) WITHOUT ROWID;
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

    SqliteConversations(GroupCommitWriter writer, ReadPool reads) {
        this.writer = writer;
        this.reads = reads;
    }

    /** Creates the tables on the write connection (idempotent). */
    static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.executeUpdate(ddl);
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    @Override
    public List<Thread> recentThreads(int limit) {
        return reads.read(c -> ConversationSql.recentThreads(c, limit));
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
                try (PreparedStatement t = c.prepareStatement("INSERT INTO conversation_threads(fingerprint, run_id,"
                                + " seen) VALUES (?,?,?) ON CONFLICT(fingerprint) DO UPDATE SET run_id = excluded.run_id,"
                                + " seen = excluded.seen");
                        PreparedStatement r = c.prepareStatement("INSERT INTO conversation_runs(run_id, user_id, started,"
                                + " last_active) VALUES (?,?,?,?) ON CONFLICT(run_id) DO UPDATE SET"
                                + " last_active = max(last_active, excluded.last_active)");
                        PreparedStatement e = c.prepareStatement("DELETE FROM conversation_runs WHERE run_id = ?")) {
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
