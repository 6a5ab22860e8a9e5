package com.insidellm;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A process-wide client, for parity with the Python SDK's module functions ({@code insidellm.initialize()},
 * {@code get_client()}, {@code shutdown()}). Applications with dependency injection should pass an
 * {@link InsideLlmClient} around instead.
 *
 * <pre>{@code
 * InsideLlm.initialize(InsideLlmClient.builder().apiKey(System.getenv("INSIDELLM_API_KEY")));
 * try (InsideLlmTracker tracker = InsideLlm.tracker("user-123")) {
 *     tracker.logUserInput("Hello");
 * }
 * InsideLlm.shutdown();
 * }</pre>
 *
 * <p>Before {@link #initialize} and after {@link #shutdown()}, {@link #client()} is the
 * {@linkplain InsideLlmClient#noop() no-op client}, so instrumented code runs without a configured SDK. Thread-safe.
 */
public final class InsideLlm {

    private static final AtomicReference<InsideLlmClient> CLIENT = new AtomicReference<>(InsideLlmClient.noop());

    private InsideLlm() {
    }

    /**
     * Builds a client and makes it the process-wide one. A client initialised before is closed (delivering what it
     * queued).
     *
     * @return the new client
     * @throws IllegalArgumentException when the configuration is invalid (nothing changes then)
     */
    public static InsideLlmClient initialize(InsideLlmClient.Builder builder) {
        return initialize(Objects.requireNonNull(builder, "builder").build());
    }

    /** Builds a client from {@code insidellm.*} system properties and {@code INSIDELLM_*} environment variables. */
    public static InsideLlmClient initialize() {
        return initialize(InsideLlmClient.builder());
    }

    /** Makes {@code client} the process-wide one; a client initialised before is closed. */
    public static InsideLlmClient initialize(InsideLlmClient client) {
        Objects.requireNonNull(client, "client");
        InsideLlmClient previous = CLIENT.getAndSet(client);
        if (previous != client) {
            previous.close();
        }
        return client;
    }

    /** The process-wide client, or the no-op client when none is initialised. */
    public static InsideLlmClient client() {
        return CLIENT.get();
    }

    /** Whether a client other than the no-op one is initialised. */
    public static boolean isInitialized() {
        return CLIENT.get() != InsideLlmClient.noop();
    }

    /** Starts a run on the process-wide client; see {@link InsideLlmClient#tracker(String)}. */
    public static InsideLlmTracker tracker(String userId) {
        return client().tracker(userId);
    }

    /** Queues an event on the process-wide client; see {@link InsideLlmClient#logEvent(Event)}. */
    public static boolean logEvent(Event event) {
        return client().logEvent(event);
    }

    /** Flushes the process-wide client; see {@link InsideLlmClient#flush(Duration)}. */
    public static boolean flush(Duration timeout) {
        return client().flush(timeout);
    }

    /** Closes the process-wide client (delivering what it queued) and reverts to the no-op client. Idempotent. */
    public static void shutdown() {
        shutdown(null);
    }

    /** Like {@link #shutdown()}, waiting at most {@code timeout} for delivery ({@code null}: the close timeout). */
    public static void shutdown(@Nullable Duration timeout) {
        InsideLlmClient previous = CLIENT.getAndSet(InsideLlmClient.noop());
        if (timeout == null) {
            previous.close();
        } else {
            previous.close(timeout);
        }
    }
}
