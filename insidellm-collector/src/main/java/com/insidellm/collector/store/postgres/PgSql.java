package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Reads on pooled connections, and building {@code WHERE} clauses with bound values. Internal. Thread-safe. */
final class PgSql {

    /** Work done with a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        /** Runs the queries. */
        T apply(Connection connection) throws SQLException;
    }

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

    static PreparedStatement prepare(Connection c, String sql, List<?> args) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            st.setObject(i + 1, args.get(i));
        }
        return st;
    }

    /** Appends the half-open time range {@code [from, to)} on the {@code ts} column. */
    static void timeRange(StringBuilder sql, List<Object> args, @Nullable Long from, @Nullable Long to) {
        if (from != null) {
            sql.append(" AND ts >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" AND ts < ?");
            args.add(to);
        }
    }
}
