package com.insidellm.collector.store.sqlite;

import static com.insidellm.collector.store.sqlite.SqlFilters.prepare;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.Facets;
import com.insidellm.collector.store.Store.RowSink;
import com.insidellm.collector.store.Store.RunCursor;
import com.insidellm.collector.store.Store.RunPage;
import com.insidellm.collector.store.Store.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Runs, events and facets read with SQL. Internal. Thread-safe (each call borrows its own connection). */
final class SqliteReads {

    private static final String RUN_COLUMNS = "SELECT r.run_id, r.user_id, r.first_ts, r.last_ts, r.event_count,"
            + " r.llm_calls, r.tokens, r.cost, r.errors, r.ended,"
            + " (SELECT group_concat(m.model, char(31)) FROM run_models m WHERE m.run_id = r.run_id) AS models";

    private final ReadPool pool;

    SqliteReads(ReadPool pool) {
        this.pool = pool;
    }

    RunPage runs(RunFilter filter, int limit, int offset) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (filter.user() != null) {
            where.append(" AND r.user_id = ?");
            args.add(filter.user());
        }
        if (filter.model() != null) {
            where.append(" AND EXISTS (SELECT 1 FROM run_models m WHERE m.run_id = r.run_id AND m.model = ?)");
            args.add(filter.model());
        }
        if (filter.hasErrors() != null) {
            where.append(filter.hasErrors() ? " AND r.errors > 0" : " AND r.errors = 0");
        }
        if (filter.fromMicros() != null) {
            where.append(" AND r.last_ts >= ?");
            args.add(filter.fromMicros());
        }
        if (filter.toMicros() != null) {
            where.append(" AND r.first_ts < ?");
            args.add(filter.toMicros());
        }
        return pool.read(c -> {
            long total;
            try (PreparedStatement st = prepare(c, "SELECT count(*) FROM runs r" + where, args);
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            List<Object> pageArgs = new ArrayList<>(args);
            pageArgs.add(limit);
            pageArgs.add(offset);
            List<RunSummary> runs = new ArrayList<>();
            try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r" + where
                    + " ORDER BY r.first_ts DESC, r.run_id LIMIT ? OFFSET ?", pageArgs);
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(summary(rs));
                }
            }
            return new RunPage(total, runs);
        });
    }

    private static RunSummary summary(ResultSet rs) throws SQLException {
        String models = rs.getString("models");
        List<String> sorted = models == null ? List.of()
                : List.copyOf(new TreeSet<>(Arrays.asList(models.split("\u001f"))));
        return new RunSummary(rs.getString("run_id"), rs.getString("user_id"), rs.getLong("first_ts"),
                rs.getLong("last_ts"), rs.getLong("event_count"), rs.getLong("llm_calls"), rs.getLong("tokens"),
                rs.getDouble("cost"), rs.getLong("errors"), rs.getInt("ended") == 1, sorted);
    }

    @Nullable RunSummary run(String runId) {
        return pool.read(c -> {
            try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r WHERE r.run_id = ?", List.of(runId));
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? summary(rs) : null;
            }
        });
    }

    void forEachRunEvent(String runId, RowSink sink) throws IOException {
        try {
            pool.read(c -> {
                try (PreparedStatement events = prepare(c, "SELECT seq, raw FROM events WHERE run_id = ? ORDER BY ts, seq",
                        List.of(runId)); ResultSet ev = events.executeQuery()) {
                    while (ev.next()) {
                        sink.accept(ev.getLong(1), ev.getString(2));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Nullable RunCursor runEvents(String runId, @Nullable RunCursor after, int limit, RowSink sink) throws IOException {
        List<Object> args = new ArrayList<>(List.of(runId));
        if (after != null) {
            args.add(after.timestampMicros());
            args.add(after.seq());
        }
        args.add(limit);
        String from = after == null ? "" : " AND (ts, seq) > (?, ?)";
        try {
            return pool.read(c -> {
                RunCursor last = null;
                try (PreparedStatement st = prepare(c, "SELECT seq, raw, ts FROM events WHERE run_id = ?" + from
                        + " ORDER BY ts, seq LIMIT ?", args); ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(rs.getLong(1), rs.getString(2));
                        last = new RunCursor(rs.getLong(3), rs.getLong(1));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return last;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    List<EventRow> events(EventFilter filter, @Nullable Long after, @Nullable Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, raw FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        SqlFilters.appendWhere(filter, sql, args);
        if (after != null) {
            sql.append(" AND seq > ?");
            args.add(after);
        }
        if (before != null) {
            sql.append(" AND seq < ?");
            args.add(before);
        }
        sql.append(after != null ? " ORDER BY seq ASC" : " ORDER BY seq DESC").append(" LIMIT ?");
        args.add(limit);
        return pool.read(c -> {
            List<EventRow> rows = new ArrayList<>();
            try (PreparedStatement st = prepare(c, sql.toString(), args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new EventRow(rs.getLong(1), rs.getString(2)));
                }
            }
            return rows;
        });
    }

    Facets facets() {
        return pool.read(c -> new Facets(
                strings(c, "SELECT DISTINCT user_id FROM runs ORDER BY user_id LIMIT 500"),
                strings(c, "SELECT DISTINCT model FROM run_models ORDER BY model LIMIT 500"),
                strings(c, "SELECT DISTINCT event_type FROM events ORDER BY event_type")));
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
