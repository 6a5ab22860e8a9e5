package com.insidellm.collector.store.postgres;

/**
 * The SQL of one ingest transaction ({@link PgBatchWriter} runs it): a staging table that {@code COPY} fills, and the
 * one statement that stores a batch — from the staging table or from array parameters — with its runs, models, tags,
 * types and the sequence. Internal. Stateless.
 */
final class PgIngestSql {

    private PgIngestSql() {}

    /**
     * This session's staging table; COPY fills it, the commit empties it. Beside the event's columns it carries what
     * only the run needs ({@code run_name}, {@code input_text}) and the tags joined by U+001F.
     */
    static final String STAGING_TABLE = "CREATE TEMP TABLE IF NOT EXISTS incoming_events (ord integer,"
            + " event_id text, run_id text, parent_event_id text, event_type text, user_id text, ts bigint, model text,"
            + " provider text, prompt_tokens bigint, completion_tokens bigint, total_tokens bigint,"
            + " cost double precision, latency_ms double precision, is_error boolean, raw text,"
            + " received_at bigint, call_type text, trace_id text, name text, score double precision,"
            + " ttft_ms double precision, run_name text, input_text text, tags text) ON COMMIT DELETE ROWS";

    static final String COPY_STAGING = "COPY incoming_events FROM STDIN";

    /**
     * Everything else in one statement, so the global lock is held for one round trip and the commit: lock the
     * sequence row, store the staged events that are new (numbered after the last sequence, in batch order), fold
     * them into their runs (sums; the best-ranked name — {@code metadata.run_name} over a top-level chain's name —,
     * the earliest input, the run's own span from {@code run.start} to {@code run.end}, feedback), models, tags, call
     * types and event types, advance the sequence, and return each stored event's number with the number before the
     * batch (so the writer knows which positions were duplicates). Events of a run may arrive in any order and in
     * several transactions, so each run column merges with what is stored. The first placeholder is the batch's source,
     * the second what the events insert does with an event already stored ({@link #PLAIN} or {@link #SKIP_STORED}).
     */
    private static final String STORE = """
            WITH incoming AS (%s), live AS (
              SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE
            ), stored AS (
              INSERT INTO events (seq, event_id, run_id, parent_event_id, event_type, user_id, ts, model, provider,
                prompt_tokens, completion_tokens, total_tokens, cost, latency_ms, is_error, raw, received_at,
                call_type, trace_id, name, score, ttft_ms)
              SELECT live.last_seq + i.ord, i.event_id, i.run_id, i.parent_event_id, i.event_type, i.user_id, i.ts,
                i.model, i.provider, i.prompt_tokens, i.completion_tokens, i.total_tokens, i.cost, i.latency_ms,
                i.is_error, i.raw, i.received_at, i.call_type, i.trace_id, i.name, i.score, i.ttft_ms
              FROM incoming i CROSS JOIN live %s
              RETURNING seq
            ), fresh AS (
              SELECT i.run_id, i.user_id, i.ts, i.event_type, i.total_tokens, i.cost, i.is_error, i.run_name, i.name,
                i.input_text, i.trace_id, i.score, i.model, i.tags, i.call_type, s.seq, CASE WHEN i.run_name IS NOT NULL THEN 2
                WHEN i.event_type = 'chain.start' AND i.parent_event_id IS NULL AND i.name IS NOT NULL THEN 1
                ELSE 0 END AS name_rank
              FROM stored s CROSS JOIN live JOIN incoming i ON i.ord = s.seq - live.last_seq
            ), run_sums AS (
              INSERT INTO runs AS r (run_id, user_id, first_ts, last_ts, event_count, llm_calls, tokens, cost, errors,
                ended, name, name_rank, first_input, first_input_ts, trace_id, start_ts, end_ts, feedback_count,
                feedback_scored, feedback_sum)
              SELECT run_id, (array_agg(user_id ORDER BY seq))[1], min(ts), max(ts), count(*),
                count(*) FILTER (WHERE event_type = 'llm.response'), coalesce(sum(total_tokens), 0),
                coalesce(sum(cost), 0), count(*) FILTER (WHERE is_error), bool_or(event_type = 'run.end'),
                (array_agg(coalesce(run_name, name) ORDER BY name_rank DESC, ts) FILTER (WHERE name_rank > 0))[1],
                max(name_rank),
                (array_agg(input_text ORDER BY ts) FILTER (WHERE input_text IS NOT NULL))[1],
                min(ts) FILTER (WHERE input_text IS NOT NULL),
                (array_agg(trace_id ORDER BY seq) FILTER (WHERE trace_id IS NOT NULL))[1],
                min(ts) FILTER (WHERE event_type = 'run.start'), max(ts) FILTER (WHERE event_type = 'run.end'),
                count(*) FILTER (WHERE event_type = 'user.feedback'),
                count(score) FILTER (WHERE event_type = 'user.feedback'),
                coalesce(sum(score) FILTER (WHERE event_type = 'user.feedback'), 0)
              FROM fresh GROUP BY run_id
              ON CONFLICT (run_id) DO UPDATE SET first_ts = least(r.first_ts, excluded.first_ts),
                last_ts = greatest(r.last_ts, excluded.last_ts), event_count = r.event_count + excluded.event_count,
                llm_calls = r.llm_calls + excluded.llm_calls, tokens = r.tokens + excluded.tokens,
                cost = r.cost + excluded.cost, errors = r.errors + excluded.errors, ended = r.ended OR excluded.ended,
                name = CASE WHEN excluded.name_rank > r.name_rank THEN excluded.name ELSE r.name END,
                name_rank = greatest(r.name_rank, excluded.name_rank),
                first_input = CASE WHEN excluded.first_input_ts < r.first_input_ts OR r.first_input_ts IS NULL
                  THEN coalesce(excluded.first_input, r.first_input) ELSE r.first_input END,
                first_input_ts = least(r.first_input_ts, excluded.first_input_ts),
                trace_id = coalesce(r.trace_id, excluded.trace_id),
                start_ts = least(r.start_ts, excluded.start_ts), end_ts = greatest(r.end_ts, excluded.end_ts),
                feedback_count = r.feedback_count + excluded.feedback_count,
                feedback_scored = r.feedback_scored + excluded.feedback_scored,
                feedback_sum = r.feedback_sum + excluded.feedback_sum
            ), models AS (
              INSERT INTO run_models (run_id, model) SELECT DISTINCT run_id, model FROM fresh WHERE model IS NOT NULL
              ON CONFLICT DO NOTHING
            ), tags AS (
              INSERT INTO event_tags (tag, seq, ts)
              SELECT DISTINCT t.tag, f.seq, f.ts FROM fresh f CROSS JOIN unnest(string_to_array(f.tags, chr(31))) AS t(tag)
              WHERE f.tags IS NOT NULL
              ON CONFLICT DO NOTHING
            ), types AS (
              INSERT INTO event_types (event_type) SELECT DISTINCT event_type FROM fresh ON CONFLICT DO NOTHING
            ), calls AS (
              INSERT INTO call_types (call_type) SELECT DISTINCT call_type FROM fresh WHERE call_type IS NOT NULL
              ON CONFLICT DO NOTHING
            ), advanced AS (
              UPDATE insidellm_live SET last_seq = (SELECT max(seq) FROM stored)
              WHERE id = 1 AND EXISTS (SELECT 1 FROM stored)
            )
            SELECT stored.seq, live.last_seq FROM stored CROSS JOIN live""";

    /**
     * The events insert as it runs first: without a conflict clause. Speculative insertion (ON CONFLICT) costs every
     * row a pre-check of the key, a lock-manager token and a second WAL record; here a stored or repeated event makes
     * the statement fail with a unique violation instead, and the writer runs the batch again with {@link
     * #SKIP_STORED}. Re-sent events are rare (a retry after a lost answer), so nearly every batch takes one statement.
     * A plain anti-join would not do: the statement's snapshot is taken before it waits for the sequence row, so it
     * can miss an event that another instance committed meanwhile.
     */
    static final String PLAIN = "";

    /**
     * The events insert that skips events already stored, or repeated in the batch: in batch order, so the first one
     * is stored. (The plain insert needs no order: sequence numbers come from the positions, and it stores all or
     * nothing; sorting the rows cost ~3% of the statement.)
     */
    static final String SKIP_STORED = "ORDER BY i.ord ON CONFLICT DO NOTHING";

    /** {@link #STORE} over the staging table that COPY filled, with {@link #PLAIN} or {@link #SKIP_STORED}. */
    static String storeStaged(String onConflict) {
        return onConflict.isEmpty() ? STORE_STAGED_PLAIN : STORE_STAGED_SKIPPING;
    }

    /** {@link #STORE} with the batch in array parameters, with {@link #PLAIN} or {@link #SKIP_STORED}. */
    static String storeInline(String onConflict) {
        return onConflict.isEmpty() ? STORE_INLINE_PLAIN : STORE_INLINE_SKIPPING;
    }

    private static final String STAGED = "SELECT * FROM incoming_events";
    private static final String STORE_STAGED_PLAIN = STORE.formatted(STAGED, PLAIN);
    private static final String STORE_STAGED_SKIPPING = STORE.formatted(STAGED, SKIP_STORED);

    /** The staging table's columns and their array types, for {@link #STORE_INLINE}. */
    static final String[][] COLUMNS = {{"ord", "int4"}, {"event_id", "text"}, {"run_id", "text"},
        {"parent_event_id", "text"}, {"event_type", "text"}, {"user_id", "text"}, {"ts", "int8"}, {"model", "text"},
        {"provider", "text"}, {"prompt_tokens", "int8"}, {"completion_tokens", "int8"}, {"total_tokens", "int8"},
        {"cost", "float8"}, {"latency_ms", "float8"}, {"is_error", "bool"}, {"raw", "text"},
        {"received_at", "int8"}, {"call_type", "text"}, {"trace_id", "text"}, {"name", "text"}, {"score", "float8"},
        {"ttft_ms", "float8"}, {"run_name", "text"}, {"input_text", "text"}, {"tags", "text"}};

    /**
     * The batch in the statement's parameters (one array per column): the whole write is one statement, run in
     * auto-commit, so a small batch costs one round trip and the global lock is held for that statement only.
     */
    private static final String INLINE = "SELECT * FROM unnest("
            + java.util.Arrays.stream(COLUMNS).map(c -> "?::" + c[1] + "[]").collect(java.util.stream.Collectors.joining(", "))
            + ") AS u(" + java.util.Arrays.stream(COLUMNS).map(c -> c[0]).collect(java.util.stream.Collectors.joining(", "))
            + ")";
    private static final String STORE_INLINE_PLAIN = STORE.formatted(INLINE, PLAIN);
    private static final String STORE_INLINE_SKIPPING = STORE.formatted(INLINE, SKIP_STORED);
}
