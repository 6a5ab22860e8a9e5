package com.insidellm.testing;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A client whose every recording method throws, to prove in integration tests that recording failures never reach
 * the application: wrap a real SDK client with this and assert the application call still succeeds.
 * {@link #flush} reports success and {@code close} does nothing so test teardown stays quiet.
 */
public final class ThrowingClient implements InsideLlmClient {

    /** Creates a client that throws from every recording method. */
    public ThrowingClient() {
    }

    @Override
    public boolean logEvent(Event event) {
        throw new IllegalStateException("recording is broken");
    }

    @Override
    public String startRun(String userId) {
        throw new IllegalStateException("recording is broken");
    }

    @Override
    public String startRun(@Nullable String runId, String userId, @Nullable Map<String, ?> metadata) {
        throw new IllegalStateException("recording is broken");
    }

    @Override
    public void endRun(String runId) {
        throw new IllegalStateException("recording is broken");
    }

    @Override
    public void endRun(String runId, @Nullable String exitReason) {
        throw new IllegalStateException("recording is broken");
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public ClientStats stats() {
        throw new IllegalStateException("recording is broken");
    }

    @Override
    public boolean isHealthy() {
        return false;
    }

    @Override
    public void close() {
    }

    @Override
    public void close(Duration timeout) {
    }
}
