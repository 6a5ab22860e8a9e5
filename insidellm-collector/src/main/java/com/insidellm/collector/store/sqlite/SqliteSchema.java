package com.insidellm.collector.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The database's tables and indexes, upgrades of older files, and how connections are opened. Internal. */
final class SqliteSchema {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteSchema.class);

    /**
     * The events table ({@code %s} is its name). Deduplication is by {@code (ts, event_id)}: a retry re-sends the same
     * event, timestamp included. Keying on the timestamp first makes the unique index grow at its right edge, as
     * timestamps mostly increase; a unique index on the random v4 ids alone touched a random page per insert and cost
     * half the ingest throughput. The same index serves time-range queries. Text search reads the payload's strings
     * out of {@code raw} when it runs; a stored copy of them doubled the bytes written per event.
     */
    private static final String EVENTS_TABLE = """
            CREATE TABLE IF NOT EXISTS %s (
              seq INTEGER PRIMARY KEY,
              event_id TEXT NOT NULL,
              run_id TEXT NOT NULL,
              parent_event_id TEXT,
              event_type TEXT NOT NULL,
              user_id TEXT NOT NULL,
              ts INTEGER NOT NULL,
              model TEXT,
              provider TEXT,
              prompt_tokens INTEGER,
              completion_tokens INTEGER,
              total_tokens INTEGER,
              cost REAL,
              latency_ms REAL,
              is_error INTEGER NOT NULL,
              raw TEXT NOT NULL,
              received_at INTEGER NOT NULL
            )""";

    /** The columns of {@link #EVENTS_TABLE}, in order. */
    static final String EVENT_COLUMNS = "seq, event_id, run_id, parent_event_id, event_type, user_id, ts, model,"
            + " provider, prompt_tokens, completion_tokens, total_tokens, cost, latency_ms, is_error, raw, received_at";

    private static final String SCHEMA = EVENTS_TABLE.formatted("events") + """
            ;
            CREATE INDEX IF NOT EXISTS events_run ON events(run_id, ts);
            CREATE UNIQUE INDEX IF NOT EXISTS events_ts_id ON events(ts, event_id);
            CREATE INDEX IF NOT EXISTS events_type ON events(event_type, ts);
            CREATE INDEX IF NOT EXISTS events_user ON events(user_id, ts);
            CREATE INDEX IF NOT EXISTS events_model ON events(model, ts) WHERE model IS NOT NULL;
            CREATE INDEX IF NOT EXISTS events_errors ON events(ts) WHERE is_error = 1;
            CREATE TABLE IF NOT EXISTS runs (
              run_id TEXT PRIMARY KEY,
              user_id TEXT NOT NULL,
              first_ts INTEGER NOT NULL,
              last_ts INTEGER NOT NULL,
              event_count INTEGER NOT NULL,
              llm_calls INTEGER NOT NULL,
              tokens INTEGER NOT NULL,
              cost REAL NOT NULL,
              errors INTEGER NOT NULL,
              ended INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS runs_first ON runs(first_ts);
            CREATE INDEX IF NOT EXISTS runs_user ON runs(user_id, first_ts);
            CREATE TABLE IF NOT EXISTS run_models (
              run_id TEXT NOT NULL,
              model TEXT NOT NULL,
              PRIMARY KEY (run_id, model)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS run_models_model ON run_models(model);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """;

    /** Whether a background thread checkpoints (the default); the writer then rarely checkpoints itself. */
    static final boolean BACKGROUND_CHECKPOINTS = !Boolean.getBoolean("insidellm.collector.foregroundCheckpoints");

    private SqliteSchema() {}

    /**
     * Brings the database on {@code c} to the current schema (WAL mode, tables, indexes, upgrades) and returns the
     * highest sequence number ever assigned, including those retention deleted.
     */
    static long migrate(Connection c, Path path) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("PRAGMA journal_mode=WAL");
            upgradeEventsTable(st, path);
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.executeUpdate(ddl);
                }
            }
            long maxSeq;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM events")) {
                rs.next();
                maxSeq = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'last_seq'")) {
                if (rs.next()) {
                    maxSeq = Math.max(maxSeq, Long.parseLong(rs.getString(1)));
                }
            }
            return maxSeq;
        }
    }

    /**
     * Databases written by earlier builds declared {@code event_id UNIQUE}, an index SQLite cannot drop, and kept a
     * {@code search_text} copy of every payload's strings: copies their events into the current table, in one
     * transaction. Runs once; a no-op for new and upgraded databases.
     */
    private static void upgradeEventsTable(Statement st, Path path) throws SQLException {
        boolean earlier;
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
                + " AND name LIKE 'sqlite_autoindex_events_%' UNION ALL SELECT 1 FROM pragma_table_info('events')"
                + " WHERE name = 'search_text'")) {
            earlier = rs.next();
        }
        if (!earlier) {
            return;
        }
        LOG.info("upgrading {} to the current events table: copying every event once, which needs free disk space about"
                + " the size of the database; this runs once", path);
        long start = System.nanoTime();
        st.executeUpdate("BEGIN IMMEDIATE");
        int copied;
        try {
            st.executeUpdate(EVENTS_TABLE.formatted("events_upgrade"));
            copied = st.executeUpdate("INSERT INTO events_upgrade(" + EVENT_COLUMNS + ") SELECT " + EVENT_COLUMNS
                    + " FROM events");
            st.executeUpdate("DROP TABLE events");
            st.executeUpdate("ALTER TABLE events_upgrade RENAME TO events");
            st.executeUpdate("COMMIT");
        } catch (SQLException e) {
            try {
                st.executeUpdate("ROLLBACK");
            } catch (SQLException rollbackFailure) {
                // SQLite may have rolled back already (a full disk does); the first failure is the one to report.
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
        // The copy went through the WAL; fold it into the database file now rather than on the first ingest.
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        LOG.info("upgraded {}: {} events in {} ms", path, copied, (System.nanoTime() - start) / 1_000_000);
    }

    /** Opens a connection with the collector's settings; {@code readOnly} ones refuse writes. */
    static Connection open(Path path, boolean readOnly, boolean fsyncEachCommit) throws SQLException {
        Properties properties = new Properties();
        // Otherwise the driver runs (and prepares anew) "SELECT last_insert_rowid()" after every INSERT, in case
        // getGeneratedKeys() is called: that doubled the statements per ingested event. Nothing here uses it.
        properties.setProperty("jdbc.get_generated_keys", "false");
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), properties);
        try (Statement st = c.createStatement()) {
            st.executeUpdate("PRAGMA busy_timeout=10000");
            st.executeUpdate(fsyncEachCommit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            st.executeUpdate("PRAGMA temp_store=MEMORY");
            if (readOnly) {
                st.executeUpdate("PRAGMA query_only=1");
            } else {
                // Random UUID keys touch index pages all over the file; a larger page cache keeps inserts off the disk.
                st.executeUpdate("PRAGMA cache_size=-32768");
                // The checkpointer thread copies the WAL into the database (and fsyncs it) after commits, so a commit only
                // appends to the WAL. The writer still checkpoints itself if the WAL grows past ~40 MB.
                st.executeUpdate("PRAGMA wal_autocheckpoint=" + (BACKGROUND_CHECKPOINTS ? 10_000 : 1_000));
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
