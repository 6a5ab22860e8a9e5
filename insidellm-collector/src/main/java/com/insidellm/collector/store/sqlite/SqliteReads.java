package com.insidellm.collector.store.sqlite;

import static com.insidellm.collector.store.sqlite.SqlFilters.prepare;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.Facets;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.RowSink;
import com.insidellm.collector.store.Store.RunPage;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.Store.TimeCursor;
import com.insidellm.collector.store.Store.TimedEventRow;
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

    /** The start of a run's own span; the expression of the {@code runs_start} index. */
    static final String RUN_START = "coalesce(r.start_ts, r.first_ts)";

    private static final String RUN_COLUMNS = "SELECT r.run_id, r.user_id, r.first_ts, r.last_ts, r.event_count,"
            + " r.llm_calls, r.tokens, r.cost, r.ended, r.name, r.first_input, r.trace_id, r.start_ts, r.end_ts,"
            + " r.feedback_count, r.feedback_scored, r.feedback_sum,"
            + " CASE WHEN r.errors = 0 THEN 0 ELSE (SELECT count(*) FROM events e WHERE e.run_id = r.run_id"
            + "   AND e.is_error = 1 AND " + ErrorCounting.COUNTED.formatted("e") + ") END AS failures,"
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
        if (filter.callType() != null || filter.trace() != null || filter.tag() != null
                || !filter.metadata().isEmpty()) {
            where.append(" AND r.run_id IN (SELECT run_id FROM events WHERE 1=1");
            SqlFilters.appendDetails(filter.callType(), filter.trace(), filter.tag(), filter.metadata(), where, args);
            where.append(")");
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
                    + " ORDER BY " + RUN_START + " DESC, r.run_id LIMIT ? OFFSET ?", pageArgs);
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
        long first = rs.getLong("first_ts");
        long last = rs.getLong("last_ts");
        long start = rs.getLong("start_ts");
        if (rs.wasNull()) {
            start = first;
        }
        long end = rs.getLong("end_ts");
        if (rs.wasNull()) {
            end = last;
        }
        return new RunSummary(rs.getString("run_id"), rs.getString("user_id"), rs.getString("name"),
                rs.getString("first_input"), rs.getString("trace_id"), first, last, start, end,
                rs.getLong("event_count"), rs.getLong("llm_calls"), rs.getLong("tokens"), rs.getDouble("cost"),
                rs.getLong("failures"), rs.getInt("ended") == 1, sorted, Feedback.of(rs.getLong("feedback_count"),
                        rs.getLong("feedback_scored"), rs.getDouble("feedback_sum")));
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

    List<TimedEventRow> eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, ts, raw FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        SqlFilters.appendWhere(filter, sql, args);
        if (before != null) {
            // Row values compare lexicographically, so this continues exactly after the cursor.
            sql.append(" AND (ts, seq) < (?, ?)");
            args.add(before.timestampMicros());
            args.add(before.seq());
        }
        sql.append(" ORDER BY ts DESC, seq DESC LIMIT ?");
        args.add(limit);
        return pool.read(c -> {
            List<TimedEventRow> rows = new ArrayList<>();
            try (PreparedStatement st = prepare(c, sql.toString(), args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new TimedEventRow(rs.getLong(1), rs.getLong(2), rs.getString(3)));
                }
            }
            return rows;
        });
    }

    Facets facets() {
        return pool.read(c -> new Facets(
                strings(c, "SELECT DISTINCT user_id FROM runs ORDER BY user_id LIMIT 500"),
                strings(c, "SELECT DISTINCT model FROM run_models ORDER BY model LIMIT 500"),
                strings(c, "SELECT DISTINCT event_type FROM events ORDER BY event_type"),
                strings(c, "SELECT DISTINCT call_type FROM events WHERE call_type IS NOT NULL ORDER BY call_type"
                        + " LIMIT 500"),
                strings(c, "SELECT DISTINCT tag FROM event_tags ORDER BY tag LIMIT 500")));
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
