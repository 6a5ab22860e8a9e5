package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.StoredEvent;
import com.insidellm.collector.store.StoredEvent.Details;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Per-run sums of one transaction, folded into the runs table with one upsert per run. Internal. Not thread-safe. */
final class RunDelta {

    /**
     * Adds a transaction's sums to a run's row. The name keeps the best-ranked source ({@code metadata.run_name} over a
     * top-level chain's name), the first input the earliest {@code user.input}, and the span the earliest {@code
     * run.start} and latest {@code run.end}: events of a run may arrive in any order and in several transactions.
     */
    static final String UPSERT_RUN = "INSERT INTO runs(run_id, user_id, first_ts, last_ts, event_count, llm_calls,"
            + " tokens, cost, errors, ended, name, name_rank, first_input, first_input_ts, trace_id, start_ts, end_ts,"
            + " feedback_count, feedback_scored, feedback_sum) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            + " ON CONFLICT(run_id) DO UPDATE SET"
            + " first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),"
            + " event_count = event_count + excluded.event_count, llm_calls = llm_calls + excluded.llm_calls,"
            + " tokens = tokens + excluded.tokens, cost = cost + excluded.cost, errors = errors + excluded.errors,"
            + " ended = max(ended, excluded.ended),"
            + " name = CASE WHEN excluded.name_rank > name_rank THEN excluded.name ELSE name END,"
            + " name_rank = max(name_rank, excluded.name_rank),"
            + " first_input = CASE WHEN excluded.first_input_ts IS NOT NULL AND (first_input_ts IS NULL"
            + "   OR excluded.first_input_ts < first_input_ts) THEN excluded.first_input ELSE first_input END,"
            + " first_input_ts = CASE WHEN excluded.first_input_ts IS NOT NULL AND (first_input_ts IS NULL"
            + "   OR excluded.first_input_ts < first_input_ts) THEN excluded.first_input_ts ELSE first_input_ts END,"
            + " trace_id = coalesce(trace_id, excluded.trace_id),"
            + " start_ts = CASE WHEN start_ts IS NULL THEN excluded.start_ts WHEN excluded.start_ts IS NULL THEN start_ts"
            + "   ELSE min(start_ts, excluded.start_ts) END,"
            + " end_ts = CASE WHEN end_ts IS NULL THEN excluded.end_ts WHEN excluded.end_ts IS NULL THEN end_ts"
            + "   ELSE max(end_ts, excluded.end_ts) END,"
            + " feedback_count = feedback_count + excluded.feedback_count,"
            + " feedback_scored = feedback_scored + excluded.feedback_scored,"
            + " feedback_sum = feedback_sum + excluded.feedback_sum";

    private static final int RANK_RUN_NAME = 2;
    private static final int RANK_CHAIN_NAME = 1;

    private final String userId;
    private long firstTs = Long.MAX_VALUE;
    private long lastTs = Long.MIN_VALUE;
    private long events;
    private long llmCalls;
    private long tokens;
    private double cost;
    private long errors;
    private boolean ended;
    private final Set<String> models = new LinkedHashSet<>();
    private @Nullable String name;
    private int nameRank;
    private long nameTs = Long.MAX_VALUE;
    private @Nullable String firstInput;
    private @Nullable Long firstInputTs;
    private @Nullable String traceId;
    private @Nullable Long startTs;
    private @Nullable Long endTs;
    private long feedbackCount;
    private long feedbackScored;
    private double feedbackSum;

    RunDelta(String userId) {
        this.userId = userId;
    }

    void add(StoredEvent e) {
        long ts = e.timestampMicros();
        firstTs = Math.min(firstTs, ts);
        lastTs = Math.max(lastTs, ts);
        events++;
        String type = e.eventType();
        if (type.equals("llm.response")) {
            llmCalls++;
        }
        if (e.totalTokens() != null) {
            tokens += e.totalTokens();
        }
        if (e.cost() != null) {
            cost += e.cost();
        }
        if (e.error()) {
            errors++;
        }
        if (type.equals("run.start")) {
            startTs = startTs == null ? ts : Math.min(startTs, ts);
        }
        if (type.equals("run.end")) {
            ended = true;
            endTs = endTs == null ? ts : Math.max(endTs, ts);
        }
        if (e.model() != null) {
            models.add(e.model());
        }
        Details d = e.details();
        if (d.runName() != null) {
            name(d.runName(), RANK_RUN_NAME, ts);
        } else if (type.equals("chain.start") && e.parentEventId() == null && d.name() != null) {
            name(d.name(), RANK_CHAIN_NAME, ts);
        }
        if (d.inputText() != null && (firstInputTs == null || ts < firstInputTs)) {
            firstInput = d.inputText();
            firstInputTs = ts;
        }
        if (traceId == null) {
            traceId = d.traceId();
        }
        if (type.equals("user.feedback")) {
            feedbackCount++;
            if (d.score() != null) {
                feedbackScored++;
                feedbackSum += d.score();
            }
        }
    }

    /** Keeps the best-ranked name, the earliest of a rank. */
    private void name(String candidate, int rank, long ts) {
        if (rank > nameRank || rank == nameRank && ts < nameTs) {
            name = candidate;
            nameRank = rank;
            nameTs = ts;
        }
    }

    /** Adds these sums to the run's row (creating it) and records its models. */
    void upsert(String runId, PreparedStatement upsertRun, PreparedStatement insertModel) throws SQLException {
        upsertRun.setString(1, runId);
        upsertRun.setString(2, userId);
        upsertRun.setLong(3, firstTs);
        upsertRun.setLong(4, lastTs);
        upsertRun.setLong(5, events);
        upsertRun.setLong(6, llmCalls);
        upsertRun.setLong(7, tokens);
        upsertRun.setDouble(8, cost);
        upsertRun.setLong(9, errors);
        upsertRun.setInt(10, ended ? 1 : 0);
        setText(upsertRun, 11, name);
        upsertRun.setInt(12, nameRank);
        setText(upsertRun, 13, firstInput);
        setLong(upsertRun, 14, firstInputTs);
        setText(upsertRun, 15, traceId);
        setLong(upsertRun, 16, startTs);
        setLong(upsertRun, 17, endTs);
        upsertRun.setLong(18, feedbackCount);
        upsertRun.setLong(19, feedbackScored);
        upsertRun.setDouble(20, feedbackSum);
        upsertRun.executeUpdate();
        for (String model : models) {
            insertModel.setString(1, runId);
            insertModel.setString(2, model);
            insertModel.executeUpdate();
        }
    }

    private static void setText(PreparedStatement st, int index, @Nullable String value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.VARCHAR);
        } else {
            st.setString(index, value);
        }
    }

    private static void setLong(PreparedStatement st, int index, @Nullable Long value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, value);
        }
    }
}
