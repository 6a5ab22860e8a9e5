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
import com.insidellm.collector.store.sql.SqlRows;
import com.insidellm.collector.store.Store.TimeCursor;
import com.insidellm.collector.store.Store.TimedEventRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
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
        return pool.read(c -> SqlRows.runPage(c, filter, RUN_COLUMNS, RUN_START + " DESC, r.run_id", SqlFilters::appendDetails, limit, offset));
    }

    @Nullable RunSummary run(String runId) {
        return pool.read(c -> {
            try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r WHERE r.run_id = ?", List.of(runId));
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? SqlRows.runSummary(rs) : null;
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
        try {
            return pool.read(c -> SqlRows.runEvents(c, runId, after, limit, sink));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    List<EventRow> events(EventFilter filter, @Nullable Long after, @Nullable Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, raw FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        SqlFilters.appendWhere(filter, sql, args);
        SqlRows.bySeq(sql, args, after, before, limit);
        return pool.read(c -> SqlRows.rows(c, sql.toString(), args));
    }

    List<TimedEventRow> eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, ts, raw FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        SqlFilters.appendWhere(filter, sql, args);
        SqlRows.byTime(sql, args, before, limit);
        return pool.read(c -> SqlRows.timedRows(c, sql.toString(), args));
    }

    Facets facets() {
        return pool.read(c -> new Facets(
                SqlRows.strings(c, "SELECT DISTINCT user_id FROM runs ORDER BY user_id LIMIT 500"),
                SqlRows.strings(c, "SELECT DISTINCT model FROM run_models ORDER BY model LIMIT 500"),
                SqlRows.strings(c, "SELECT DISTINCT event_type FROM events ORDER BY event_type"),
                SqlRows.strings(c, "SELECT DISTINCT call_type FROM events WHERE call_type IS NOT NULL ORDER BY call_type"
                        + " LIMIT 500"),
                SqlRows.strings(c, "SELECT DISTINCT tag FROM event_tags ORDER BY tag LIMIT 500")));
    }
}
