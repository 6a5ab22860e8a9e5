package com.insidellm.internal;

import com.insidellm.ClientStats;
import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The disabled client: accepts every call, records nothing, owns no thread. Internal: reached through
 * {@code InsideLlmClient.noop()}; beside {@link BatchingClient}, the other implementation of the client.
 */
public final class NoopClient implements InsideLlmClient {

    public static final NoopClient INSTANCE = new NoopClient();

    private static final ClientStats EMPTY_STATS;

    static {
        Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, 0L);
        }
        EMPTY_STATS = new ClientStats(0, 0, 0, 0, 0, 0, dropped, 0, 0, 0, null, true);
    }

    private NoopClient() {
    }

    @Override
    public boolean logEvent(Event event) {
        return false;
    }

    @Override
    public String startRun(String userId) {
        return Ids.randomUuid();
    }

    @Override
    public String startRun(@Nullable String runId, String userId, @Nullable Map<String, ?> metadata) {
        return runId != null ? runId : Ids.randomUuid();
    }

    @Override
    public void endRun(String runId) {
    }

    @Override
    public void endRun(String runId, @Nullable String exitReason) {
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public ClientStats stats() {
        return EMPTY_STATS;
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {
    }

    @Override
    public void close(Duration timeout) {
    }

    @Override
    public String toString() {
        return "InsideLlmClient.noop()";
    }
}
