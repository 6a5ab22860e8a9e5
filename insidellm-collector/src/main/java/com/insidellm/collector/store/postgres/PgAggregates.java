package com.insidellm.collector.store.postgres;

import static com.insidellm.collector.store.sql.SqlRows.prepare;

import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.Feedback;
import com.insidellm.collector.store.Store.FeedbackUsage;
import com.insidellm.collector.store.Store.Latency;
import com.insidellm.collector.store.Store.ModelTotals;
import com.insidellm.collector.store.Store.ModelUsage;
import com.insidellm.collector.store.Store.Series;
import com.insidellm.collector.store.Store.SeriesBucket;
import com.insidellm.collector.store.Store.TimeRange;
import com.insidellm.collector.store.Store.ToolUsage;
import com.insidellm.collector.store.Store.UsageTotals;
import com.insidellm.collector.store.Store.UserUsage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Totals, per-model figures and time series, aggregated inside PostgreSQL: only the sums leave the database.
 * Percentiles are {@code percentile_disc}, which is the nearest-rank percentile {@link Latency#of} computes. Internal.
 * Thread-safe.
 */
final class PgAggregates {

    private static final String LLM = "event_type = 'llm.response'";
    private static final String P50_P95 = " percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE %1$s),"
            + " percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE %1$s)";

    /** {@link Store#MAX_GROUPS}: the cap on per-user, per-tool and per-feedback-type breakdowns. */
    static final int MAX_GROUPS = Store.MAX_GROUPS;

    private final PgSql sql;

    PgAggregates(PgSql sql) {
        this.sql = sql;
    }

    UsageTotals totals(@Nullable Long from, @Nullable Long to) {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        com.insidellm.collector.store.sql.SqlRows.timeRange(range, args, from, to);
        return sql.read(c -> {
            try (PreparedStatement st = prepare(c, "SELECT count(*), coalesce(sum(" + PgSql.COUNTED_ERROR.formatted("e")
                    + "), 0), count(DISTINCT run_id), count(*) FILTER (WHERE " + LLM + "),"
                    + " coalesce(sum(total_tokens), 0), coalesce(sum(cost), 0) FROM events e WHERE true" + range, args);
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                return new UsageTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getDouble(6));
            }
        });
    }

    List<ModelUsage> modelUsage(@Nullable Long from, @Nullable Long to) {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        com.insidellm.collector.store.sql.SqlRows.timeRange(range, args, from, to);
        return sql.read(c -> {
            List<ModelUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT model, max(provider), count(*),"
                    + " coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),"
                    + " coalesce(sum(total_tokens), 0), coalesce(sum(cost), 0), count(*) FILTER (WHERE is_error),"
                    + P50_P95.formatted("latency_ms IS NOT NULL") + ","
                    + P50_P95.replace("latency_ms)", "ttft_ms)").formatted("ttft_ms IS NOT NULL")
                    + " FROM events WHERE " + LLM + range
                    + " GROUP BY model ORDER BY count(*) DESC, model COLLATE \"C\" NULLS FIRST", args);
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new ModelUsage(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getDouble(7), rs.getLong(8), latency(rs, 9),
                            latency(rs, 11)));
                }
            }
            return out;
        });
    }

    private static Latency latency(ResultSet rs, int column) throws SQLException {
        double p50 = rs.getDouble(column);
        if (rs.wasNull()) {
            return new Latency(null, null);
        }
        return new Latency(p50, rs.getDouble(column + 1));
    }

    List<ToolUsage> toolUsage(@Nullable Long from, @Nullable Long to) {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        com.insidellm.collector.store.sql.SqlRows.timeRange(range, args, from, to);
        return sql.read(c -> {
            List<ToolUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT name, max(CASE WHEN event_type = 'function_execution'"
                    + " THEN 'function' ELSE raw::jsonb #>> '{payload,tool_type}' END), count(*),"
                    + " count(*) FILTER (WHERE is_error)," + P50_P95.formatted("latency_ms IS NOT NULL")
                    + " FROM events WHERE event_type IN ('tool.response', 'function_execution') AND name IS NOT NULL"
                    + range + " GROUP BY name ORDER BY count(*) DESC, name COLLATE \"C\" LIMIT " + MAX_GROUPS, args);
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new ToolUsage(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            latency(rs, 5)));
                }
            }
            return out;
        });
    }

    List<UserUsage> userUsage(@Nullable Long from, @Nullable Long to) {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        com.insidellm.collector.store.sql.SqlRows.timeRange(range, args, from, to);
        return sql.read(c -> {
            List<UserUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT user_id, count(DISTINCT run_id), count(*),"
                    + " count(*) FILTER (WHERE " + LLM + "), coalesce(sum(total_tokens), 0), coalesce(sum(cost), 0),"
                    + " coalesce(sum(" + PgSql.COUNTED_ERROR.formatted("e") + "), 0), min(ts), max(ts),"
                    + " count(*) FILTER (WHERE event_type = 'user.feedback'),"
                    + " count(score) FILTER (WHERE event_type = 'user.feedback'),"
                    + " coalesce(sum(score) FILTER (WHERE event_type = 'user.feedback'), 0)"
                    + " FROM events e WHERE true" + range + " GROUP BY user_id ORDER BY count(*) DESC,"
                    + " user_id COLLATE \"C\" LIMIT " + MAX_GROUPS, args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new UserUsage(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getDouble(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                            Feedback.of(rs.getLong(10), rs.getLong(11), rs.getDouble(12))));
                }
            }
            return out;
        });
    }

    List<FeedbackUsage> feedbackUsage(@Nullable Long from, @Nullable Long to) {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        com.insidellm.collector.store.sql.SqlRows.timeRange(range, args, from, to);
        return sql.read(c -> {
            List<FeedbackUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT coalesce(name, '') AS type, count(*), count(score),"
                    + " coalesce(sum(score), 0) FROM events WHERE event_type = 'user.feedback'" + range
                    + " GROUP BY 1 ORDER BY count(*) DESC, coalesce(name, '') COLLATE \"C\" LIMIT " + MAX_GROUPS, args);
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new FeedbackUsage(rs.getString(1), Feedback.of(rs.getLong(2), rs.getLong(3),
                            rs.getDouble(4))));
                }
            }
            return out;
        });
    }

    @Nullable TimeRange timeRange(@Nullable Long from, @Nullable Long to) {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        com.insidellm.collector.store.sql.SqlRows.timeRange(range, args, from, to);
        return sql.read(c -> {
            try (PreparedStatement st = prepare(c, "SELECT min(ts), max(ts) FROM events WHERE true" + range, args);
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? null : new TimeRange(min, rs.getLong(2));
            }
        });
    }

    Series series(long start, long bucket, int count, long from, long to) {
        int buckets = Math.max(count, 0);
        long[] events = new long[buckets];
        long[] errors = new long[buckets];
        Latency[] latencies = new Latency[buckets];
        List<Map<String, ModelTotals>> perModel = new ArrayList<>(buckets);
        for (int i = 0; i < buckets; i++) {
            latencies[i] = new Latency(null, null);
            perModel.add(new TreeMap<>());
        }
        TreeSet<String> models = new TreeSet<>();
        List<Object> args = List.of(start, bucket, from, to);
        sql.read(c -> {
            try (PreparedStatement st = prepare(c, "SELECT (ts - ?) / ? AS b, count(*),"
                    + " coalesce(sum(" + PgSql.COUNTED_ERROR.formatted("e") + "), 0),"
                    + P50_P95.formatted(LLM + " AND latency_ms IS NOT NULL") + " FROM events e WHERE ts >= ? AND ts < ?"
                    + " GROUP BY b", args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int b = rs.getInt(1);
                    if (b >= 0 && b < buckets) {
                        events[b] = rs.getLong(2);
                        errors[b] = rs.getLong(3);
                        latencies[b] = latency(rs, 4);
                    }
                }
            }
            try (PreparedStatement st = prepare(c, "SELECT (ts - ?) / ? AS b, coalesce(model, 'null') AS m, count(*),"
                    + " coalesce(sum(total_tokens), 0), coalesce(sum(cost), 0) FROM events WHERE ts >= ? AND ts < ? AND "
                    + LLM + " GROUP BY b, m", args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int b = rs.getInt(1);
                    if (b >= 0 && b < buckets) {
                        models.add(rs.getString(2));
                        perModel.get(b).put(rs.getString(2), new ModelTotals(rs.getLong(3), rs.getLong(4),
                                rs.getDouble(5)));
                    }
                }
            }
            return null;
        });
        List<SeriesBucket> out = new ArrayList<>(buckets);
        for (int i = 0; i < buckets; i++) {
            out.add(new SeriesBucket(start + i * bucket, events[i], errors[i], latencies[i], perModel.get(i)));
        }
        return new Series(models, out);
    }
}
