package com.insidellm.collector.store.postgres;

import static com.insidellm.collector.store.postgres.PgSql.prepare;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.TimeCursor;
import com.insidellm.collector.store.Store.TimedEventRow;
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
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Runs, events and facets read with SQL. Ordering by text uses {@code COLLATE "C"} (code-point order) so that
 * answers do not depend on the database's locale and match the SQLite store's. Internal. Thread-safe.
 */
final class PgReads {

    /** The start of a run's own span; the expression of the {@code runs_start} index. */
    static final String RUN_START = "coalesce(r.start_ts, r.first_ts)";

    private static final String RUN_COLUMNS = "SELECT r.run_id, r.user_id, r.first_ts, r.last_ts, r.event_count,"
            + " r.llm_calls, r.tokens, r.cost, r.ended, r.name, r.first_input, r.trace_id, r.start_ts, r.end_ts,"
            + " r.feedback_count, r.feedback_scored, r.feedback_sum,"
            + " CASE WHEN r.errors = 0 THEN 0 ELSE (SELECT count(*) FROM events e WHERE e.run_id = r.run_id"
            + "   AND e.is_error AND " + PgSql.COUNTED.formatted("e") + ") END AS failures,"
            + " (SELECT string_agg(m.model, chr(31)) FROM run_models m WHERE m.run_id = r.run_id) AS models";

    private final PgSql sql;

    PgReads(PgSql sql) {
        this.sql = sql;
    }

    RunPage runs(RunFilter filter, int limit, int offset) {
        StringBuilder where = new StringBuilder(" WHERE true");
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
            where.append(" AND r.run_id IN (SELECT run_id FROM events WHERE true");
            appendDetails(filter.callType(), filter.trace(), filter.tag(), filter.metadata(), where, args);
            where.append(")");
        }
        return sql.read(c -> {
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
                    + " ORDER BY " + RUN_START + " DESC, r.run_id COLLATE \"C\" LIMIT ? OFFSET ?", pageArgs);
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
                rs.getLong("failures"), rs.getBoolean("ended"), sorted, Feedback.of(rs.getLong("feedback_count"),
                        rs.getLong("feedback_scored"), rs.getDouble("feedback_sum")));
    }

    @Nullable RunSummary run(String runId) {
        return sql.read(c -> {
            try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r WHERE r.run_id = ?", List.of(runId));
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? summary(rs) : null;
            }
        });
    }

    @Nullable RunCursor runEvents(String runId, @Nullable RunCursor after, int limit, RowSink sink) throws IOException {
        List<Object> args = new ArrayList<>();
        args.add(runId);
        String from = "";
        if (after != null) {
            from = " AND (ts, seq) > (?, ?)";
            args.add(after.timestampMicros());
            args.add(after.seq());
        }
        args.add(limit);
        String query = "SELECT seq, raw, ts FROM events WHERE run_id = ?" + from + " ORDER BY ts, seq LIMIT ?";
        try {
            return sql.read(c -> {
                RunCursor last = null;
                try (PreparedStatement st = prepare(c, query, args); ResultSet rs = st.executeQuery()) {
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
        StringBuilder query = new StringBuilder("SELECT seq, raw FROM events WHERE true");
        List<Object> args = new ArrayList<>();
        appendWhere(filter, query, args);
        if (after != null) {
            query.append(" AND seq > ?");
            args.add(after);
        }
        if (before != null) {
            query.append(" AND seq < ?");
            args.add(before);
        }
        query.append(after != null ? " ORDER BY seq ASC" : " ORDER BY seq DESC").append(" LIMIT ?");
        args.add(limit);
        return sql.read(c -> {
            List<EventRow> rows = new ArrayList<>();
            try (PreparedStatement st = prepare(c, query.toString(), args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new EventRow(rs.getLong(1), rs.getString(2)));
                }
            }
            return rows;
        });
    }

    List<TimedEventRow> eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit) {
        StringBuilder query = new StringBuilder("SELECT seq, ts, raw FROM events WHERE true");
        List<Object> args = new ArrayList<>();
        appendWhere(filter, query, args);
        if (before != null) {
            query.append(" AND (ts, seq) < (?, ?)");
            args.add(before.timestampMicros());
            args.add(before.seq());
        }
        query.append(" ORDER BY ts DESC, seq DESC LIMIT ?");
        args.add(limit);
        return sql.read(c -> {
            List<TimedEventRow> rows = new ArrayList<>();
            try (PreparedStatement st = prepare(c, query.toString(), args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new TimedEventRow(rs.getLong(1), rs.getLong(2), rs.getString(3)));
                }
            }
            return rows;
        });
    }

    /** Appends {@code AND …} conditions for {@code filter}; text search uses the trigram index on {@code search}. */
    static void appendWhere(EventFilter filter, StringBuilder sql, List<Object> args) {
        List<String> types = filter.types();
        if (!types.isEmpty()) {
            sql.append(" AND event_type IN (").append("?,".repeat(types.size() - 1)).append("?)");
            args.addAll(types);
        }
        if (filter.errors() != null) {
            sql.append(" AND is_error = ?");
            args.add(filter.errors());
        }
        eq(sql, args, "model", filter.model());
        eq(sql, args, "provider", filter.provider());
        eq(sql, args, "user_id", filter.user());
        eq(sql, args, "run_id", filter.run());
        PgSql.timeRange(sql, args, filter.fromMicros(), filter.toMicros());
        String text = filter.text();
        if (text != null) {
            sql.append(" AND search ILIKE ?");
            args.add("%" + PgWriter.text(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        String callType = filter.callType();
        if (callType != null) {
            // The request carries the call type; its response and error are its children.
            sql.append(" AND (call_type = ? OR parent_event_id IN (SELECT event_id FROM events WHERE call_type = ?))");
            args.add(lower(callType));
            args.add(lower(callType));
        }
        appendDetails(null, filter.trace(), filter.tag(), filter.metadata(), sql, args);
    }

    /** Appends conditions on the event's own call type, trace id, tag and metadata values. */
    static void appendDetails(@Nullable String callType, @Nullable String trace, @Nullable String tag,
            Map<String, String> metadata, StringBuilder sql, List<Object> args) {
        if (callType != null) {
            sql.append(" AND call_type = ?");
            args.add(lower(callType));
        }
        eq(sql, args, "trace_id", trace);
        if (tag != null) {
            sql.append(" AND seq IN (SELECT seq FROM event_tags WHERE tag = ?)");
            args.add(tag);
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            // A scalar written as text (42, true, a string), or a list holding one.
            sql.append(" AND EXISTS (SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(raw::jsonb -> 'metadata')"
                    + " = 'object' THEN raw::jsonb -> 'metadata' END) m WHERE m.key = ? AND (").append(scalar("m.value"))
                    .append(" = ? OR jsonb_typeof(m.value) = 'array' AND EXISTS (SELECT 1 FROM"
                            + " jsonb_array_elements(m.value) x WHERE ").append(scalar("x")).append(" = ?)))");
            args.add(entry.getKey());
            args.add(entry.getValue());
            args.add(entry.getValue());
        }
    }

    private static String scalar(String value) {
        return "(CASE WHEN jsonb_typeof(" + value + ") IN ('string', 'number', 'boolean') THEN " + value
                + " #>> '{}' END)";
    }

    private static String lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static void eq(StringBuilder sql, List<Object> args, String column, @Nullable String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    Facets facets() {
        return sql.read(c -> new Facets(
                strings(c, "SELECT DISTINCT user_id COLLATE \"C\" AS u FROM runs ORDER BY u LIMIT 500"),
                strings(c, "SELECT DISTINCT model COLLATE \"C\" AS m FROM run_models ORDER BY m LIMIT 500"),
                // Every type ever stored, also after retention dropped its events: a list for a filter, not a count.
                strings(c, "SELECT event_type FROM event_types ORDER BY event_type COLLATE \"C\""),
                strings(c, "SELECT call_type FROM call_types ORDER BY call_type COLLATE \"C\" LIMIT 500"),
                strings(c, "SELECT DISTINCT tag COLLATE \"C\" AS t FROM event_tags ORDER BY t LIMIT 500")));
    }

    private static List<String> strings(Connection c, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(query); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
