package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.sql.SqlRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Turns filters into SQLite {@code WHERE} conditions with bound values. Internal; stateless. */
final class SqlFilters {

    private SqlFilters() {}

    /** Appends {@code AND …} conditions for {@code filter} to {@code sql} and their values to {@code args}. */
    static void appendWhere(EventFilter filter, StringBuilder sql, List<Object> args) {
        List<String> types = filter.types();
        if (!types.isEmpty()) {
            sql.append(" AND event_type IN (").append("?,".repeat(types.size() - 1)).append("?)");
            args.addAll(types);
        }
        if (filter.errors() != null) {
            sql.append(" AND is_error = ?");
            args.add(filter.errors() ? 1 : 0);
        }
        eq(sql, args, "model", filter.model());
        eq(sql, args, "provider", filter.provider());
        eq(sql, args, "user_id", filter.user());
        eq(sql, args, "run_id", filter.run());
        timeRange(sql, args, filter.fromMicros(), filter.toMicros());
        String text = filter.text();
        if (text != null) {
            String pattern = "%" + likeEscape(text) + "%";
            if (writtenLiterally(text)) {
                // Cheap pre-check on the stored JSON text, which holds such a term as is wherever a value contains it.
                sql.append(" AND raw LIKE ? ESCAPE '\\'");
                args.add(pattern);
            }
            // The match itself: a string anywhere in the payload, so key names, ids and metadata do not count.
            sql.append(" AND EXISTS (SELECT 1 FROM json_tree(raw, '$.payload') WHERE type = 'text'"
                    + " AND value LIKE ? ESCAPE '\\')");
            args.add(pattern);
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
     * Appends {@code AND …} conditions on the call type (the event's own), trace id, tag and metadata values, for a
     * query over the events table.
     */
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
            String value = entry.getValue();
            if (writtenLiterally(value)) {
                // Cheap pre-check: the stored JSON holds a matching value as is.
                sql.append(" AND raw LIKE ? ESCAPE '\\'");
                args.add("%" + likeEscape(value) + "%");
            }
            sql.append(" AND EXISTS (SELECT 1 FROM json_each(raw, '$.metadata') m WHERE m.key = ? AND (")
                    .append(scalarText("m")).append(" = ? OR m.type = 'array' AND EXISTS (SELECT 1 FROM json_each(m.value) x"
                            + " WHERE ").append(scalarText("x")).append(" = ?)))");
            args.add(entry.getKey());
            args.add(value);
            args.add(value);
        }
    }

    /** A {@code json_each} row's scalar value as text, as a user writes it ({@code 42}, {@code true}); null otherwise. */
    private static String scalarText(String alias) {
        return "(CASE " + alias + ".type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'array' THEN NULL"
                + " WHEN 'object' THEN NULL WHEN 'null' THEN NULL ELSE CAST(" + alias + ".atom AS TEXT) END)";
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * Whether {@code text} appears unchanged in the JSON the store keeps (Jackson's output, which escapes only quotes,
     * backslashes and control characters) wherever a string value contains it.
     */
    static boolean writtenLiterally(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Appends the half-open time range {@code [from, to)} on the {@code ts} column. */
    static void timeRange(StringBuilder sql, List<Object> args, @Nullable Long from, @Nullable Long to) {
        SqlRows.timeRange(sql, args, from, to);
    }

    private static void eq(StringBuilder sql, List<Object> args, String column, @Nullable String value) {
        SqlRows.eq(sql, args, column, value);
    }

    static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
        return SqlRows.prepare(c, sql, args);
    }
}
