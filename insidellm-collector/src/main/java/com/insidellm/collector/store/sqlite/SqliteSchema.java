package com.insidellm.collector.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
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
              received_at INTEGER NOT NULL,
              call_type TEXT,
              trace_id TEXT,
              name TEXT,
              score REAL,
              ttft_ms REAL
            )""";

    /** The columns of the events table that every earlier build had, in order. */
    private static final String EARLIER_EVENT_COLUMNS = "seq, event_id, run_id, parent_event_id, event_type, user_id,"
            + " ts, model, provider, prompt_tokens, completion_tokens, total_tokens, cost, latency_ms, is_error, raw,"
            + " received_at";

    /** Columns added later, with their types: added to an earlier database when it is opened. */
    private static final String[][] ADDED_EVENT_COLUMNS = {{"call_type", "TEXT"}, {"trace_id", "TEXT"},
            {"name", "TEXT"}, {"score", "REAL"}, {"ttft_ms", "REAL"}};

    /** The columns of {@link #EVENTS_TABLE}, in order. */
    static final String EVENT_COLUMNS = EARLIER_EVENT_COLUMNS + ", call_type, trace_id, name, score, ttft_ms";

    /** Run columns added later, with their types (all nullable or defaulted). */
    private static final String[][] ADDED_RUN_COLUMNS = {{"name", "TEXT"}, {"name_rank", "INTEGER NOT NULL DEFAULT 0"},
            {"first_input", "TEXT"}, {"first_input_ts", "INTEGER"}, {"trace_id", "TEXT"}, {"start_ts", "INTEGER"},
            {"end_ts", "INTEGER"}, {"feedback_count", "INTEGER NOT NULL DEFAULT 0"},
            {"feedback_scored", "INTEGER NOT NULL DEFAULT 0"}, {"feedback_sum", "REAL NOT NULL DEFAULT 0"}};

    /** Tables; the indexes come after the columns added to earlier databases. */
    private static final String TABLES = EVENTS_TABLE.formatted("events") + """
            ;
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
            CREATE TABLE IF NOT EXISTS run_models (
              run_id TEXT NOT NULL,
              model TEXT NOT NULL,
              PRIMARY KEY (run_id, model)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS event_tags (
              tag TEXT NOT NULL,
              seq INTEGER NOT NULL,
              ts INTEGER NOT NULL,
              PRIMARY KEY (tag, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """;

    private static final String INDEXES = """
            CREATE INDEX IF NOT EXISTS events_run ON events(run_id, ts);
            CREATE UNIQUE INDEX IF NOT EXISTS events_ts_id ON events(ts, event_id);
            CREATE INDEX IF NOT EXISTS events_type ON events(event_type, ts);
            CREATE INDEX IF NOT EXISTS events_user ON events(user_id, ts);
            CREATE INDEX IF NOT EXISTS events_model ON events(model, ts) WHERE model IS NOT NULL;
            CREATE INDEX IF NOT EXISTS events_errors ON events(ts) WHERE is_error = 1;
            CREATE INDEX IF NOT EXISTS events_trace ON events(trace_id, ts) WHERE trace_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS events_call_type ON events(call_type, ts) WHERE call_type IS NOT NULL;
            CREATE INDEX IF NOT EXISTS events_parent ON events(parent_event_id) WHERE is_error = 1;
            CREATE INDEX IF NOT EXISTS event_tags_ts ON event_tags(ts);
            CREATE INDEX IF NOT EXISTS runs_first ON runs(first_ts);
            CREATE INDEX IF NOT EXISTS runs_start ON runs(coalesce(start_ts, first_ts));
            CREATE INDEX IF NOT EXISTS runs_user ON runs(user_id, first_ts);
            CREATE INDEX IF NOT EXISTS runs_trace ON runs(trace_id) WHERE trace_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS run_models_model ON run_models(model);
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
            execute(st, TABLES);
            addColumns(st, "events", ADDED_EVENT_COLUMNS);
            addColumns(st, "runs", ADDED_RUN_COLUMNS);
            execute(st, INDEXES);
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

    private static void execute(Statement st, String statements) throws SQLException {
        for (String ddl : statements.split(";")) {
            if (!ddl.isBlank()) {
                st.executeUpdate(ddl);
            }
        }
    }

    /**
     * Adds the columns a database written by an earlier build lacks. Its events and runs keep nulls (defaults) there:
     * filters on them do not match older events, and older runs show no name, first input or feedback.
     */
    private static void addColumns(Statement st, String table, String[][] columns) throws SQLException {
        Set<String> present = new HashSet<>();
        try (ResultSet rs = st.executeQuery("SELECT name FROM pragma_table_info('" + table + "')")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        for (String[] column : columns) {
            if (!present.contains(column[0])) {
                st.executeUpdate("ALTER TABLE " + table + " ADD COLUMN " + column[0] + " " + column[1]);
            }
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
            copied = st.executeUpdate("INSERT INTO events_upgrade(" + EARLIER_EVENT_COLUMNS + ") SELECT "
                    + EARLIER_EVENT_COLUMNS + " FROM events");
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
