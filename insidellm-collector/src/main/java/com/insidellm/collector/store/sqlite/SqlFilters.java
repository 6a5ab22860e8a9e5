package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.EventFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
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
            String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
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
        if (from != null) {
            sql.append(" AND ts >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" AND ts < ?");
            args.add(to);
        }
    }

    private static void eq(StringBuilder sql, List<Object> args, String column, @Nullable String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            st.setObject(i + 1, args.get(i));
        }
        return st;
    }
}
