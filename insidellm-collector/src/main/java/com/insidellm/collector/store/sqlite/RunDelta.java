package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.StoredEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/** Per-run sums of one transaction, folded into the runs table with one upsert per run. Internal. Not thread-safe. */
final class RunDelta {

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

    RunDelta(String userId) {
        this.userId = userId;
    }

    void add(StoredEvent e) {
        firstTs = Math.min(firstTs, e.timestampMicros());
        lastTs = Math.max(lastTs, e.timestampMicros());
        events++;
        if (e.eventType().equals("llm.response")) {
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
        if (e.eventType().equals("run.end")) {
            ended = true;
        }
        if (e.model() != null) {
            models.add(e.model());
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
        upsertRun.executeUpdate();
        for (String model : models) {
            insertModel.setString(1, runId);
            insertModel.setString(2, model);
            insertModel.executeUpdate();
        }
    }
}
