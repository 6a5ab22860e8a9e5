package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Reads on pooled connections, and how errors are counted. Internal. Thread-safe. */
final class PgSql {

    /** Work done with a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        /** Runs the queries. */
        T apply(Connection connection) throws SQLException;
    }

    /**
     * A condition on an error row of the events table ({@code %1$s} is its alias) that holds unless it is an {@code
     * error} event reporting a failure another event reports: its parent failed, or a failed non-{@code error} event
     * has the same parent (the Store's "errors counted once"). {@code events_parent} serves both look-ups.
     */
    static final String COUNTED = "NOT (%1$s.event_type = 'error' AND %1$s.parent_event_id IS NOT NULL AND ("
            + "EXISTS (SELECT 1 FROM events f WHERE f.parent_event_id = %1$s.parent_event_id AND f.is_error"
            + "   AND f.event_type <> 'error' AND f.run_id = %1$s.run_id)"
            + " OR EXISTS (SELECT 1 FROM events f WHERE f.event_id = %1$s.parent_event_id AND f.is_error"
            + "   AND f.run_id = %1$s.run_id)))";

    /** 1 for an error row that counts, else 0 ({@code %1$s} is the events table's alias). */
    static final String COUNTED_ERROR = "(CASE WHEN NOT %1$s.is_error THEN 0 WHEN " + COUNTED + " THEN 1 ELSE 0 END)";

    private final DataSource pool;

    PgSql(DataSource pool) {
        this.pool = pool;
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode; a failure becomes a {@link StoreException}. */
    <T> T read(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
    }
}
