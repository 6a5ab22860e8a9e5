package com.insidellm.collector.store.sql;

import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.RowSink;
import com.insidellm.collector.store.Store.RunCursor;
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
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * SQL that reads the same in SQLite and PostgreSQL, and the mapping of its rows: bound conditions, a run's summary, a
 * run's events after a cursor, events in time order. Internal; stateless.
 */
public final class SqlRows {

    private SqlRows() {}

    /** Prepares {@code sql} with {@code args} bound in order. */
    public static PreparedStatement prepare(Connection c, String sql, List<?> args) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            st.setObject(i + 1, args.get(i));
        }
        return st;
    }

    /** Appends the half-open time range {@code [from, to)} on the {@code ts} column. */
    public static void timeRange(StringBuilder sql, List<Object> args, @Nullable Long from, @Nullable Long to) {
        if (from != null) {
            sql.append(" AND ts >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" AND ts < ?");
            args.add(to);
        }
    }

    /** Appends {@code AND column = ?} when {@code value} is given. */
    public static void eq(StringBuilder sql, List<Object> args, String column, @Nullable String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    /** Appends a dialect's conditions on an event's call type, trace id, tag and metadata values. */
    @FunctionalInterface
    public interface DetailConditions {
        /** Appends {@code AND …} conditions and their values. */
        void append(@Nullable String callType, @Nullable String trace, @Nullable String tag, Map<String, String> metadata,
                StringBuilder sql, List<Object> args);
    }

    /**
     * One page of runs matching {@code filter} with the total count: {@code columns} selects the summary's columns
     * from {@code runs r}, {@code order} orders them, {@code details} writes the conditions on events.
     */
    public static RunPage runPage(Connection c, RunFilter filter, String columns, String order,
            DetailConditions details, int limit, int offset) throws SQLException {
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
            details.append(filter.callType(), filter.trace(), filter.tag(), filter.metadata(), where, args);
            where.append(")");
        }
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
        try (PreparedStatement st = prepare(c, columns + " FROM runs r" + where + " ORDER BY " + order
                + " LIMIT ? OFFSET ?", pageArgs); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                runs.add(runSummary(rs));
            }
        }
        return new RunPage(total, runs);
    }

    /**
     * A run's summary from a row with the runs table's columns plus {@code failures} (errors counted once) and
     * {@code models} (joined by U+001F).
     */
    public static RunSummary runSummary(ResultSet rs) throws SQLException {
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
                rs.getLong("failures"), rs.getBoolean("ended"), sorted, Feedback.of(rs.getLong("feedback_count"),
                        rs.getLong("feedback_scored"), rs.getDouble("feedback_sum")));
    }

    /**
     * Hands at most {@code limit} events of the run after {@code after} to {@code sink} in time order, then by
     * sequence; returns the last one's cursor, or null when there was none. An {@link IOException} from the sink
     * comes back wrapped in {@link UncheckedIOException}.
     */
    public static @Nullable RunCursor runEvents(Connection c, String runId, @Nullable RunCursor after, int limit,
            RowSink sink) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(runId));
        if (after != null) {
            args.add(after.timestampMicros());
            args.add(after.seq());
        }
        args.add(limit);
        RunCursor last = null;
        try (PreparedStatement st = prepare(c, "SELECT seq, raw, ts FROM events WHERE run_id = ?"
                + (after == null ? "" : " AND (ts, seq) > (?, ?)") + " ORDER BY ts, seq LIMIT ?", args);
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                sink.accept(rs.getLong(1), rs.getString(2));
                last = new RunCursor(rs.getLong(3), rs.getLong(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return last;
    }

    /** Appends the cursor condition and order of the events list (time, newest first) to a query over events. */
    public static void byTime(StringBuilder sql, List<Object> args, @Nullable TimeCursor before, int limit) {
        if (before != null) {
            // Row values compare lexicographically, so this continues exactly after the cursor.
            sql.append(" AND (ts, seq) < (?, ?)");
            args.add(before.timestampMicros());
            args.add(before.seq());
        }
        sql.append(" ORDER BY ts DESC, seq DESC LIMIT ?");
        args.add(limit);
    }

    /** Rows of {@code SELECT seq, ts, raw}. */
    public static List<TimedEventRow> timedRows(Connection c, String sql, List<Object> args) throws SQLException {
        List<TimedEventRow> rows = new ArrayList<>();
        try (PreparedStatement st = prepare(c, sql, args); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(new TimedEventRow(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
        }
        return rows;
    }

    /** Appends the sequence conditions and order of the arrival-ordered events query. */
    public static void bySeq(StringBuilder sql, List<Object> args, @Nullable Long after, @Nullable Long before,
            int limit) {
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
    }

    /** Rows of {@code SELECT seq, raw}. */
    public static List<EventRow> rows(Connection c, String sql, List<Object> args) throws SQLException {
        List<EventRow> rows = new ArrayList<>();
        try (PreparedStatement st = prepare(c, sql, args); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(new EventRow(rs.getLong(1), rs.getString(2)));
            }
        }
        return rows;
    }

    /** The first column of every row. */
    public static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
