package com.insidellm.collector.store.sqlite;

import static com.insidellm.collector.store.sqlite.SqlFilters.prepare;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Totals, per-model, per-tool, per-user and feedback figures and time series, aggregated with SQL. Internal. Thread-safe. */
final class SqliteAggregates {

    /** {@link Store#MAX_GROUPS}: the cap on per-user, per-tool and per-feedback-type breakdowns. */
    static final int MAX_GROUPS = Store.MAX_GROUPS;

    private final ReadPool pool;

    /** {@code AND …} conditions on {@code ts} for a time range, and their values. */
    private record TimeCondition(String sql, List<Object> args) {
        static TimeCondition of(@Nullable Long from, @Nullable Long to) {
            StringBuilder sql = new StringBuilder();
            List<Object> args = new ArrayList<>();
            SqlFilters.timeRange(sql, args, from, to);
            return new TimeCondition(sql.toString(), args);
        }
    }

    SqliteAggregates(ReadPool pool) {
        this.pool = pool;
    }

    UsageTotals totals(@Nullable Long from, @Nullable Long to) {
        TimeCondition range = TimeCondition.of(from, to);
        List<Object> args = range.args();
        return pool.read(c -> {
            try (PreparedStatement st = prepare(c, "SELECT count(*), sum(" + ErrorCounting.COUNTED_ERROR.formatted("e")
                    + "), count(DISTINCT run_id), sum(event_type = 'llm.response'), coalesce(sum(total_tokens), 0),"
                    + " coalesce(sum(cost), 0) FROM events e WHERE 1=1" + range.sql(), args); ResultSet rs = st.executeQuery()) {
                rs.next();
                return new UsageTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getDouble(6));
            }
        });
    }

    List<ModelUsage> modelUsage(@Nullable Long from, @Nullable Long to) {
        TimeCondition range = TimeCondition.of(from, to);
        List<Object> args = range.args();
        return pool.read(c -> {
            Map<String, List<Double>> latencies = new HashMap<>();
            Map<String, List<Double>> ttfts = new HashMap<>();
            try (PreparedStatement st = prepare(c, "SELECT model, latency_ms, ttft_ms FROM events"
                    + " WHERE event_type = 'llm.response' AND (latency_ms IS NOT NULL OR ttft_ms IS NOT NULL)" + range.sql(),
                    args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String model = rs.getString(1);
                    double latency = rs.getDouble(2);
                    if (!rs.wasNull()) {
                        latencies.computeIfAbsent(model, k -> new ArrayList<>()).add(latency);
                    }
                    double ttft = rs.getDouble(3);
                    if (!rs.wasNull()) {
                        ttfts.computeIfAbsent(model, k -> new ArrayList<>()).add(ttft);
                    }
                }
            }
            List<ModelUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT model, max(provider), count(*),"
                    + " coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), coalesce(sum(total_tokens), 0),"
                    + " coalesce(sum(cost), 0), sum(is_error) FROM events WHERE event_type = 'llm.response'" + range.sql()
                    + " GROUP BY model ORDER BY count(*) DESC, model", args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String model = rs.getString(1);
                    out.add(new ModelUsage(model, rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getDouble(7), rs.getLong(8), Latency.of(latencies.get(model)),
                            Latency.of(ttfts.get(model))));
                }
            }
            return out;
        });
    }

    List<ToolUsage> toolUsage(@Nullable Long from, @Nullable Long to) {
        TimeCondition range = TimeCondition.of(from, to);
        List<Object> args = range.args();
        String calls = " FROM events WHERE event_type IN ('tool.response', 'function_execution') AND name IS NOT NULL";
        return pool.read(c -> {
            Map<String, ToolGroup> groups = new LinkedHashMap<>();
            try (PreparedStatement st = prepare(c, "SELECT name, max(CASE WHEN event_type = 'function_execution'"
                    + " THEN 'function' ELSE json_extract(raw, '$.payload.tool_type') END), count(*), sum(is_error),"
                    + " count(latency_ms)" + calls + range.sql() + " GROUP BY name ORDER BY count(*) DESC, name LIMIT "
                    + MAX_GROUPS, args);
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    groups.put(rs.getString(1), new ToolGroup(rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5)));
                }
            }
            // Percentiles from the durations in order, one group after another: SQLite sorts (spilling to disk if it
            // must), so memory stays per tool rather than per call.
            try (PreparedStatement st = prepare(c, "SELECT name, latency_ms" + calls + " AND latency_ms IS NOT NULL"
                    + range.sql() + " ORDER BY name, latency_ms", args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ToolGroup g = groups.get(rs.getString(1));
                    if (g != null) {
                        g.offer(rs.getDouble(2));
                    }
                }
            }
            List<ToolUsage> out = new ArrayList<>(groups.size());
            groups.forEach((name, g) -> out.add(new ToolUsage(name, g.type, g.calls, g.failures,
                    new Latency(g.p50, g.p95))));
            return out;
        });
    }

    /** One tool's figures while its durations stream past in ascending order. */
    private static final class ToolGroup {
        final @Nullable String type;
        final long calls;
        final long failures;
        final long timed;
        long seen;
        @Nullable Double p50;
        @Nullable Double p95;

        ToolGroup(@Nullable String type, long calls, long failures, long timed) {
            this.type = type;
            this.calls = calls;
            this.failures = failures;
            this.timed = timed;
        }

        /** The next duration in ascending order; keeps the nearest-rank percentiles, as {@link Latency#of} does. */
        void offer(double duration) {
            long index = seen++;
            if (index == nearestRank(50)) {
                p50 = duration;
            }
            if (index == nearestRank(95)) {
                p95 = duration;
            }
        }

        private long nearestRank(int p) {
            long rank = (long) Math.ceil(p / 100.0 * timed);
            return Math.max(0, Math.min(timed - 1, rank - 1));
        }
    }

    List<UserUsage> userUsage(@Nullable Long from, @Nullable Long to) {
        TimeCondition range = TimeCondition.of(from, to);
        List<Object> args = range.args();
        return pool.read(c -> {
            List<UserUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT user_id, count(DISTINCT run_id), count(*),"
                    + " sum(event_type = 'llm.response'), coalesce(sum(total_tokens), 0), coalesce(sum(cost), 0),"
                    + " sum(" + ErrorCounting.COUNTED_ERROR.formatted("e") + "), min(ts), max(ts),"
                    + " sum(event_type = 'user.feedback'), sum(event_type = 'user.feedback' AND score IS NOT NULL),"
                    + " coalesce(sum(CASE WHEN event_type = 'user.feedback' THEN score END), 0)"
                    + " FROM events e WHERE 1=1" + range.sql() + " GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT " + MAX_GROUPS, args);
                    ResultSet rs = st.executeQuery()) {
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
        TimeCondition range = TimeCondition.of(from, to);
        List<Object> args = range.args();
        return pool.read(c -> {
            List<FeedbackUsage> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, "SELECT coalesce(name, ''), count(*), count(score),"
                    + " coalesce(sum(score), 0) FROM events WHERE event_type = 'user.feedback'" + range.sql()
                    + " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT " + MAX_GROUPS, args); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new FeedbackUsage(rs.getString(1), Feedback.of(rs.getLong(2), rs.getLong(3),
                            rs.getDouble(4))));
                }
            }
            return out;
        });
    }

    @Nullable TimeRange timeRange(@Nullable Long from, @Nullable Long to) {
        TimeCondition range = TimeCondition.of(from, to);
        List<Object> args = range.args();
        return pool.read(c -> {
            try (PreparedStatement st = prepare(c, "SELECT min(ts), max(ts) FROM events WHERE 1=1" + range.sql(), args);
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getObject(1) == null) {
                    return null;
                }
                return new TimeRange(rs.getLong(1), rs.getLong(2));
            }
        });
    }

    /** Mutable sums of one bucket while rows are read. */
    private static final class Bucket {
        final long start;
        long events;
        long errors;
        final Map<String, double[]> perModel = new TreeMap<>();
        final List<Double> latencies = new ArrayList<>();

        Bucket(long start) {
            this.start = start;
        }
    }

    Series series(long start, long bucket, int count, long from, long to) {
        Bucket[] buckets = new Bucket[Math.max(count, 0)];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket(start + i * bucket);
        }
        TreeSet<String> models = new TreeSet<>();
        pool.read(c -> {
            try (PreparedStatement st = prepare(c, "SELECT (ts - ?) / ? AS b, event_type, model,"
                    + ErrorCounting.COUNTED_ERROR.formatted("e") + ", total_tokens, cost, latency_ms FROM events e"
                    + " WHERE ts >= ? AND ts < ?", List.of(start, bucket, from, to));
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int b = rs.getInt(1);
                    if (b < 0 || b >= buckets.length) {
                        continue;
                    }
                    Bucket bk = buckets[b];
                    bk.events++;
                    bk.errors += rs.getInt(4);
                    if ("llm.response".equals(rs.getString(2))) {
                        String model = String.valueOf(rs.getString(3));
                        models.add(model);
                        double[] m = bk.perModel.computeIfAbsent(model, k -> new double[3]);
                        m[0]++;
                        m[1] += rs.getLong(5);
                        m[2] += rs.getDouble(6);
                        double latency = rs.getDouble(7);
                        if (!rs.wasNull()) {
                            bk.latencies.add(latency);
                        }
                    }
                }
            }
            return null;
        });
        List<SeriesBucket> out = new ArrayList<>(buckets.length);
        for (Bucket bk : buckets) {
            Map<String, ModelTotals> perModel = new TreeMap<>();
            bk.perModel.forEach((m, v) -> perModel.put(m, new ModelTotals((long) v[0], (long) v[1], v[2])));
            out.add(new SeriesBucket(bk.start, bk.events, bk.errors, Latency.of(bk.latencies), perModel));
        }
        return new Series(models, out);
    }
}
