package com.insidellm.collector.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: SQL files beside this class, applied in order, each in its own transaction together
 * with its row in {@code insidellm_schema_migrations}. A session-level advisory lock around the whole run makes two
 * instances starting at once take turns: the second finds the work done. Internal. Stateless.
 */
final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** Held while migrating; an arbitrary constant that other applications sharing the database are unlikely to use. */
    static final long MIGRATION_LOCK = 0x1_75_1de_11L;

    /** Every migration, oldest first; a version is never changed once released, only followed by a new one. */
    static final List<String> SCRIPTS = List.of("V1__events_runs_live.sql", "V2__details_names_feedback_tags.sql",
            "V3__lz4_for_event_text.sql", "V4__conversation_threading.sql",
            "V5__search_index_off_the_commit_path.sql");

    private Migrations() {}

    /** Brings the database to the newest version; returns how many migrations this call applied. */
    static int migrate(Connection c) throws SQLException {
        return migrate(c, SCRIPTS.size());
    }

    /** Brings the database to {@code target} (tests build an earlier version's database with it). */
    static int migrate(Connection c, int target) throws SQLException {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
            try {
                st.execute("CREATE TABLE IF NOT EXISTS insidellm_schema_migrations (version integer PRIMARY KEY,"
                        + " script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
                int current = 0;
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM insidellm_schema_migrations")) {
                    rs.next();
                    current = rs.getInt(1);
                }
                if (current > SCRIPTS.size()) {
                    throw new SQLException("the database schema is at version " + current + ", newer than this collector"
                            + " knows (" + SCRIPTS.size() + "); run a newer collector");
                }
                int applied = 0;
                for (int version = current + 1; version <= target; version++) {
                    apply(c, version, SCRIPTS.get(version - 1));
                    applied++;
                }
                return applied;
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
            }
        }
    }

    /** The newest version the database has, 0 for an empty database. */
    static int version(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM insidellm_schema_migrations")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // no such table: never migrated
                return 0;
            }
            throw e;
        }
    }

    private static void apply(Connection c, int version, String script) throws SQLException {
        long start = System.nanoTime();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement();
                PreparedStatement record = c.prepareStatement(
                        "INSERT INTO insidellm_schema_migrations (version, script) VALUES (?, ?)")) {
            st.execute(read(script));
            record.setInt(1, version);
            record.setString(2, script);
            record.executeUpdate();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        LOG.info("applied migration {} ({}) in {} ms", version, script, (System.nanoTime() - start) / 1_000_000);
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
