package com.insidellm.collector.store.postgres;

import static com.insidellm.collector.store.sql.SqlRows.prepare;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.TimeCursor;
import com.insidellm.collector.store.Store.TimedEventRow;
import com.insidellm.collector.store.Store.Facets;
import com.insidellm.collector.store.Store.RowSink;
import com.insidellm.collector.store.Store.RunCursor;
import com.insidellm.collector.store.Store.RunPage;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.sql.SqlRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return sql.read(c -> SqlRows.runPage(c, filter, RUN_COLUMNS, RUN_START + " DESC, r.run_id COLLATE \"C\"", PgReads::appendDetails, limit, offset));
    }

    @Nullable RunSummary run(String runId) {
        return sql.read(c -> {
            try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r WHERE r.run_id = ?", List.of(runId));
                    ResultSet rs = st.executeQuery()) {
                return rs.next() ? SqlRows.runSummary(rs) : null;
            }
        });
    }

    @Nullable RunCursor runEvents(String runId, @Nullable RunCursor after, int limit, RowSink sink) throws IOException {
        try {
            return sql.read(c -> SqlRows.runEvents(c, runId, after, limit, sink));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    List<EventRow> events(EventFilter filter, @Nullable Long after, @Nullable Long before, int limit) {
        StringBuilder query = new StringBuilder("SELECT seq, raw FROM events WHERE true");
        List<Object> args = new ArrayList<>();
        appendWhere(filter, query, args);
        SqlRows.bySeq(query, args, after, before, limit);
        return sql.read(c -> SqlRows.rows(c, query.toString(), args));
    }

    List<TimedEventRow> eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit) {
        StringBuilder query = new StringBuilder("SELECT seq, ts, raw FROM events WHERE true");
        List<Object> args = new ArrayList<>();
        appendWhere(filter, query, args);
        SqlRows.byTime(query, args, before, limit);
        return sql.read(c -> SqlRows.timedRows(c, query.toString(), args));
    }

    /**
     * Appends {@code AND …} conditions for {@code filter}. Text search reads the trigram index of {@code event_search}
     * for the events up to the indexer's watermark and scans the events above it, all in the statement's one snapshot
     * (the indexer moves the rows and the watermark in one transaction), so an event is found from the moment its
     * ingest was answered, whether indexed yet or not.
     */
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
        SqlRows.eq(sql, args, "model", filter.model());
        SqlRows.eq(sql, args, "provider", filter.provider());
        SqlRows.eq(sql, args, "user_id", filter.user());
        SqlRows.eq(sql, args, "run_id", filter.run());
        SqlRows.timeRange(sql, args, filter.fromMicros(), filter.toMicros());
        String text = filter.text();
        if (text != null) {
            // The matches as one array, computed once: as an IN sub-query the planner joined it by a nested loop over
            // the matches for every event (quadratic; 310 ms against 253 at 22,000 events with 124 matches).
            String pattern = "%" + PgBatchWriter.text(text).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%";
            sql.append(" AND seq = ANY (ARRAY(SELECT s.seq FROM event_search s WHERE s.search ILIKE ?");
            args.add(pattern);
            // The time range again inside, where "ts" is the search table's, so its partitions are pruned too.
            SqlRows.timeRange(sql, args, filter.fromMicros(), filter.toMicros());
            sql.append(" UNION ALL SELECT t.seq FROM events t WHERE t.seq > (SELECT indexed_seq FROM"
                    + " insidellm_search_state WHERE id = 1)");
            if (tailPrefilterHolds(text)) {
                // Cheap first: an event whose JSON has no escape holds each string value verbatim, so a term found
                // in a value is found in the raw text too; only those events (and those with escapes) pay for
                // extracting the payload's strings (~4 against ~15 us per event for a term that is rare).
                sql.append(" AND (strpos(t.raw, chr(92)) > 0 OR t.raw ILIKE ?)");
                args.add(pattern);
            }
            sql.append(" AND insidellm_search_text(t.raw) ILIKE ?");
            args.add(pattern);
            SqlRows.timeRange(sql, args, filter.fromMicros(), filter.toMicros());
            sql.append("))");
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

    /**
     * Whether a search for {@code term} may skip events whose raw JSON lacks it: when the term has no control
     * character. The payload's strings are joined by U+001F, so only a term holding one can match across two values,
     * and JSON writes control characters escaped; any other match lies inside one value, which an event without a
     * backslash holds verbatim in its raw text.
     */
    static boolean tailPrefilterHolds(String term) {
        for (int i = 0; i < term.length(); i++) {
            if (term.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
    }

    /** Appends conditions on the event's own call type, trace id, tag and metadata values. */
    static void appendDetails(@Nullable String callType, @Nullable String trace, @Nullable String tag,
            Map<String, String> metadata, StringBuilder sql, List<Object> args) {
        if (callType != null) {
            sql.append(" AND call_type = ?");
            args.add(lower(callType));
        }
        SqlRows.eq(sql, args, "trace_id", trace);
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

    Facets facets() {
        return sql.read(c -> new Facets(
                SqlRows.strings(c, "SELECT DISTINCT user_id COLLATE \"C\" AS u FROM runs ORDER BY u LIMIT 500"),
                SqlRows.strings(c, "SELECT DISTINCT model COLLATE \"C\" AS m FROM run_models ORDER BY m LIMIT 500"),
                // Every type ever stored, also after retention dropped its events: a list for a filter, not a count.
                SqlRows.strings(c, "SELECT event_type FROM event_types ORDER BY event_type COLLATE \"C\""),
                SqlRows.strings(c, "SELECT call_type FROM call_types ORDER BY call_type COLLATE \"C\" LIMIT 500"),
                SqlRows.strings(c, "SELECT DISTINCT tag COLLATE \"C\" AS t FROM event_tags ORDER BY t LIMIT 500")));
    }
}
