package com.insidellm.collector.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The read side: runs, events and aggregates as JSON documents. Internal. Thread-safe. */
public final class QueryService {

  /** Bucket widths the time series picks from, in seconds. */
  private static final long[] BUCKETS = {1, 5, 10, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
      86_400, 7 * 86_400};
  private static final int TARGET_BUCKETS = 60;

  private final EventStore store;
  private final JsonFactory json;

  /** Creates the service over {@code store}. */
  public QueryService(EventStore store, JsonFactory json) {
    this.store = store;
    this.json = json;
  }

  /** A JSON document being written. */
  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException, SQLException;
  }

  private byte[] document(Body body) throws SQLException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator g = json.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- runs

  /** Runs, newest first, filtered by {@code user}, {@code model}, {@code has_errors}, {@code from}, {@code to}. */
  public byte[] runs(Params p) throws SQLException {
    int limit = p.intValue("limit", 50, 1, 1000);
    int offset = p.intValue("offset", 0, 0, Integer.MAX_VALUE);
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    List<Object> args = new ArrayList<>();
    String user = p.get("user");
    if (user != null) {
      where.append(" AND r.user_id = ?");
      args.add(user);
    }
    String model = p.get("model");
    if (model != null) {
      where.append(" AND EXISTS (SELECT 1 FROM run_models m WHERE m.run_id = r.run_id AND m.model = ?)");
      args.add(model);
    }
    Boolean hasErrors = p.bool("has_errors");
    if (hasErrors != null) {
      where.append(hasErrors ? " AND r.errors > 0" : " AND r.errors = 0");
    }
    Long from = p.time("from");
    if (from != null) {
      where.append(" AND r.last_ts >= ?");
      args.add(from);
    }
    Long to = p.time("to");
    if (to != null) {
      where.append(" AND r.first_ts < ?");
      args.add(to);
    }
    return store.read(c -> document(g -> {
      g.writeStartObject();
      try (PreparedStatement st = prepare(c, "SELECT count(*) FROM runs r" + where, args);
          ResultSet rs = st.executeQuery()) {
        rs.next();
        g.writeNumberField("total", rs.getLong(1));
      }
      g.writeNumberField("limit", limit);
      g.writeNumberField("offset", offset);
      g.writeArrayFieldStart("runs");
      List<Object> pageArgs = new ArrayList<>(args);
      pageArgs.add(limit);
      pageArgs.add(offset);
      try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r" + where
          + " ORDER BY r.first_ts DESC, r.run_id LIMIT ? OFFSET ?", pageArgs);
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          writeRun(g, rs);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  private static final String RUN_COLUMNS = "SELECT r.run_id, r.user_id, r.first_ts, r.last_ts, r.event_count,"
      + " r.llm_calls, r.tokens, r.cost, r.errors, r.ended,"
      + " (SELECT group_concat(m.model, char(31)) FROM run_models m WHERE m.run_id = r.run_id) AS models";

  private static void writeRun(JsonGenerator g, ResultSet rs) throws SQLException, IOException {
    g.writeStartObject();
    g.writeStringField("run_id", rs.getString("run_id"));
    g.writeStringField("user_id", rs.getString("user_id"));
    long first = rs.getLong("first_ts");
    long last = rs.getLong("last_ts");
    g.writeStringField("start", iso(first));
    g.writeStringField("end", iso(last));
    g.writeNumberField("duration_ms", (last - first) / 1000.0);
    g.writeNumberField("event_count", rs.getLong("event_count"));
    g.writeNumberField("llm_calls", rs.getLong("llm_calls"));
    g.writeNumberField("tokens", rs.getLong("tokens"));
    g.writeNumberField("cost", rs.getDouble("cost"));
    g.writeNumberField("errors", rs.getLong("errors"));
    g.writeBooleanField("ended", rs.getInt("ended") == 1);
    g.writeArrayFieldStart("models");
    String models = rs.getString("models");
    if (models != null) {
      TreeSet<String> sorted = new TreeSet<>(Arrays.asList(models.split("\u001f")));
      for (String m : sorted) {
        g.writeString(m);
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** One run's summary and all its events in time order; null when the run is unknown. */
  public byte @Nullable [] run(String runId) throws SQLException {
    return store.read(c -> {
      List<Object> args = List.of(runId);
      try (PreparedStatement st = prepare(c, RUN_COLUMNS + " FROM runs r WHERE r.run_id = ?", args);
          ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return document(g -> {
          g.writeStartObject();
          g.writeFieldName("run");
          writeRun(g, rs);
          g.writeArrayFieldStart("events");
          try (PreparedStatement events = prepare(c,
              "SELECT seq, raw FROM events WHERE run_id = ? ORDER BY ts, seq", args);
              ResultSet ev = events.executeQuery()) {
            while (ev.next()) {
              writeEvent(g, ev.getLong(1), ev.getString(2));
            }
          }
          g.writeEndArray();
          g.writeEndObject();
        });
      }
    });
  }

  // ---------------------------------------------------------------- events

  /** One page of matching events: newest first, or oldest first after {@code after} (a sequence number). */
  public byte[] events(Params p) throws SQLException {
    EventFilter filter = EventFilter.from(p);
    int limit = p.intValue("limit", 100, 1, 1000);
    Long after = p.longValue("after");
    Long before = p.longValue("before");
    return store.read(c -> document(g -> {
      g.writeStartObject();
      g.writeNumberField("latest_seq", store.committedSeq());
      g.writeArrayFieldStart("events");
      long lastSeq = -1;
      int n = 0;
      for (Row row : findEvents(c, filter, after, before, limit)) {
        writeEvent(g, row.seq(), row.raw());
        lastSeq = row.seq();
        n++;
      }
      g.writeEndArray();
      if (n == limit) {
        g.writeNumberField(after != null ? "next_after" : "next_before", lastSeq);
      }
      g.writeEndObject();
    }));
  }

  /** An event as stored, with its sequence number. */
  public record Row(long seq, String raw) {}

  /**
   * Matching events: ascending from {@code after} when it is given (the live tail), otherwise descending from
   * {@code before} or the newest.
   */
  public List<Row> findEvents(Connection c, EventFilter filter, @Nullable Long after, @Nullable Long before,
      int limit) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT seq, raw FROM events WHERE 1=1");
    List<Object> args = new ArrayList<>();
    filter.appendWhere(sql, args);
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
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement st = prepare(c, sql.toString(), args); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        rows.add(new Row(rs.getLong(1), rs.getString(2)));
      }
    }
    return rows;
  }

  /** The store, for the live tail. */
  public EventStore store() {
    return store;
  }

  private static void writeEvent(JsonGenerator g, long seq, String raw) throws IOException {
    g.writeStartObject();
    g.writeNumberField("seq", seq);
    g.writeFieldName("event");
    g.writeRawValue(raw);
    g.writeEndObject();
  }

  /** Distinct users, models and event types, for the viewer's filter lists. */
  public byte[] facets() throws SQLException {
    return store.read(c -> document(g -> {
      g.writeStartObject();
      stringArray(g, c, "users", "SELECT DISTINCT user_id FROM runs ORDER BY user_id LIMIT 500");
      stringArray(g, c, "models", "SELECT DISTINCT model FROM run_models ORDER BY model LIMIT 500");
      stringArray(g, c, "event_types", "SELECT DISTINCT event_type FROM events ORDER BY event_type");
      g.writeEndObject();
    }));
  }

  private static void stringArray(JsonGenerator g, Connection c, String field, String sql)
      throws SQLException, IOException {
    g.writeArrayFieldStart(field);
    try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        g.writeString(rs.getString(1));
      }
    }
    g.writeEndArray();
  }

  // ---------------------------------------------------------------- aggregates

  /** Totals and per-model figures (calls, tokens, cost, errors, latency p50/p95) over {@code from}..{@code to}. */
  public byte[] modelStats(Params p) throws SQLException {
    Long from = p.time("from");
    Long to = p.time("to");
    return store.read(c -> document(g -> {
      StringBuilder range = new StringBuilder();
      List<Object> args = new ArrayList<>();
      EventFilter.timeRange(range, args, from, to);
      Map<String, List<Double>> latencies = new TreeMap<>();
      try (PreparedStatement st = prepare(c, "SELECT model, latency_ms FROM events WHERE event_type = 'llm.response'"
          + " AND latency_ms IS NOT NULL" + range, args); ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          latencies.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getDouble(2));
        }
      }
      g.writeStartObject();
      try (PreparedStatement st = prepare(c, "SELECT count(*), sum(is_error), count(DISTINCT run_id),"
          + " sum(event_type = 'llm.response'), coalesce(sum(total_tokens), 0), coalesce(sum(cost), 0)"
          + " FROM events WHERE 1=1" + range, args); ResultSet rs = st.executeQuery()) {
        rs.next();
        g.writeObjectFieldStart("totals");
        g.writeNumberField("events", rs.getLong(1));
        g.writeNumberField("errors", rs.getLong(2));
        g.writeNumberField("runs", rs.getLong(3));
        g.writeNumberField("llm_calls", rs.getLong(4));
        g.writeNumberField("tokens", rs.getLong(5));
        g.writeNumberField("cost", rs.getDouble(6));
        g.writeEndObject();
      }
      g.writeArrayFieldStart("models");
      try (PreparedStatement st = prepare(c, "SELECT model, max(provider), count(*),"
          + " coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), coalesce(sum(total_tokens), 0),"
          + " coalesce(sum(cost), 0), sum(is_error) FROM events WHERE event_type = 'llm.response'" + range
          + " GROUP BY model ORDER BY count(*) DESC, model", args); ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String model = rs.getString(1);
          g.writeStartObject();
          g.writeStringField("model", model);
          g.writeStringField("provider", rs.getString(2));
          g.writeNumberField("calls", rs.getLong(3));
          g.writeNumberField("prompt_tokens", rs.getLong(4));
          g.writeNumberField("completion_tokens", rs.getLong(5));
          g.writeNumberField("tokens", rs.getLong(6));
          g.writeNumberField("cost", rs.getDouble(7));
          g.writeNumberField("errors", rs.getLong(8));
          writePercentiles(g, latencies.get(model));
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  /**
   * Calls, tokens and cost per model and bucket, plus events, errors, error rate and latency p50/p95 per bucket.
   * {@code bucket} is in seconds; without it a width giving about {@value #TARGET_BUCKETS} buckets is chosen.
   */
  public byte[] timeseries(Params p) throws SQLException {
    Long fromParam = p.time("from");
    Long toParam = p.time("to");
    Long bucketParam = p.longValue("bucket");
    return store.read(c -> {
      long from;
      long to;
      if (fromParam != null && toParam != null) {
        from = fromParam;
        to = toParam;
      } else {
        StringBuilder range = new StringBuilder();
        List<Object> args = new ArrayList<>();
        EventFilter.timeRange(range, args, fromParam, toParam);
        try (PreparedStatement st = prepare(c, "SELECT min(ts), max(ts) FROM events WHERE 1=1" + range, args);
            ResultSet rs = st.executeQuery()) {
          rs.next();
          if (rs.getObject(1) == null) {
            return emptySeries();
          }
          from = fromParam != null ? fromParam : rs.getLong(1);
          to = toParam != null ? toParam : rs.getLong(2) + 1;
        }
      }
      long span = Math.max(1, to - from);
      long bucket = bucketParam != null ? Math.max(1, bucketParam) * 1_000_000L : chooseBucket(span);
      long maxBuckets = 2000;
      if (span / bucket > maxBuckets) {
        throw new Params.BadRequestException("bucket is too small for the range: more than " + maxBuckets
            + " buckets");
      }
      long start = Math.floorDiv(from, bucket) * bucket;
      int count = (int) ((to - start + bucket - 1) / bucket);
      Bucket[] buckets = new Bucket[Math.max(count, 0)];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new Bucket(start + i * bucket);
      }
      TreeSet<String> models = new TreeSet<>();
      List<Object> args = List.of(start, bucket, from, to);
      try (PreparedStatement st = prepare(c, "SELECT (ts - ?) / ? AS b, event_type, model, is_error, total_tokens,"
          + " cost, latency_ms FROM events WHERE ts >= ? AND ts < ?", args); ResultSet rs = st.executeQuery()) {
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
      return document(g -> {
        g.writeStartObject();
        g.writeStringField("from", iso(start));
        g.writeStringField("to", iso(to));
        g.writeNumberField("bucket_seconds", bucket / 1_000_000L);
        g.writeArrayFieldStart("models");
        for (String m : models) {
          g.writeString(m);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("buckets");
        for (Bucket bk : buckets) {
          g.writeStartObject();
          g.writeStringField("start", iso(bk.start));
          g.writeNumberField("events", bk.events);
          g.writeNumberField("errors", bk.errors);
          g.writeNumberField("error_rate", bk.events == 0 ? 0.0 : (double) bk.errors / bk.events);
          writePercentiles(g, bk.latencies);
          g.writeObjectFieldStart("per_model");
          for (Map.Entry<String, double[]> e : bk.perModel.entrySet()) {
            g.writeObjectFieldStart(e.getKey());
            g.writeNumberField("calls", (long) e.getValue()[0]);
            g.writeNumberField("tokens", (long) e.getValue()[1]);
            g.writeNumberField("cost", e.getValue()[2]);
            g.writeEndObject();
          }
          g.writeEndObject();
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      });
    });
  }

  private byte[] emptySeries() throws SQLException {
    return document(g -> {
      g.writeStartObject();
      g.writeNullField("from");
      g.writeNullField("to");
      g.writeNullField("bucket_seconds");
      g.writeArrayFieldStart("models");
      g.writeEndArray();
      g.writeArrayFieldStart("buckets");
      g.writeEndArray();
      g.writeEndObject();
    });
  }

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

  static long chooseBucket(long spanMicros) {
    for (long seconds : BUCKETS) {
      if (spanMicros / (seconds * 1_000_000L) <= TARGET_BUCKETS) {
        return seconds * 1_000_000L;
      }
    }
    return BUCKETS[BUCKETS.length - 1] * 1_000_000L;
  }

  private static void writePercentiles(JsonGenerator g, @Nullable List<Double> values) throws IOException {
    if (values == null || values.isEmpty()) {
      g.writeNullField("latency_p50_ms");
      g.writeNullField("latency_p95_ms");
      return;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    g.writeNumberField("latency_p50_ms", percentile(sorted, 50));
    g.writeNumberField("latency_p95_ms", percentile(sorted, 95));
  }

  /** Nearest-rank percentile of sorted values: a value that was actually observed. */
  static double percentile(double[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    for (int i = 0; i < args.size(); i++) {
      st.setObject(i + 1, args.get(i));
    }
    return st;
  }

  /** Microseconds since the epoch as ISO-8601 UTC. */
  public static String iso(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
        .toString();
  }
}
