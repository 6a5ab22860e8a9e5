package com.insidellm.collector.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Filters over events, shared by the events query and the live tail so both understand the same parameters.
 * Internal; immutable.
 */
public record EventFilter(
    List<String> types,
    @Nullable Boolean errors,
    @Nullable String model,
    @Nullable String provider,
    @Nullable String user,
    @Nullable String run,
    @Nullable Long fromMicros,
    @Nullable Long toMicros,
    @Nullable String text) {

  /** Reads {@code type}, {@code status} (error|ok), {@code model}, {@code provider}, {@code user}, {@code run},
   * {@code from}, {@code to} and {@code q}. */
  public static EventFilter from(Params p) {
    String status = p.get("status");
    Boolean errors = null;
    if (status != null) {
      errors = switch (status.toLowerCase(Locale.ROOT)) {
        case "error", "errors" -> true;
        case "ok" -> false;
        default -> throw new Params.BadRequestException("status must be error or ok, but was " + status);
      };
    }
    String run = p.get("run");
    return new EventFilter(p.list("type"), errors, p.get("model"), p.get("provider"), p.get("user"),
        run == null ? null : run.toLowerCase(Locale.ROOT), p.time("from"), p.time("to"), p.get("q"));
  }

  /** Appends {@code AND …} conditions to {@code sql} and their values to {@code args}. */
  void appendWhere(StringBuilder sql, List<Object> args) {
    if (!types.isEmpty()) {
      sql.append(" AND event_type IN (").append("?,".repeat(types.size() - 1)).append("?)");
      args.addAll(types);
    }
    if (errors != null) {
      sql.append(" AND is_error = ?");
      args.add(errors ? 1 : 0);
    }
    eq(sql, args, "model", model);
    eq(sql, args, "provider", provider);
    eq(sql, args, "user_id", user);
    eq(sql, args, "run_id", run);
    timeRange(sql, args, fromMicros, toMicros);
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

  /** A filter that matches everything. */
  public static EventFilter all() {
    return new EventFilter(new ArrayList<>(), null, null, null, null, null, null, null, null);
  }
}
