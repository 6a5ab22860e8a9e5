package com.insidellm;

import com.insidellm.internal.Checks;
import com.insidellm.internal.NoopClient;
import com.insidellm.internal.Outbox;
import com.insidellm.internal.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The InsideLLM client: accepts events from any thread and delivers them in batches in the background.
 *
 * <pre>{@code
 * InsideLlmClient client = InsideLlmClient.builder().apiKey("your-api-key").build();
 * String runId = client.startRun("user-123");
 * client.logEvent(Event.userInput(runId, "user-123", "Hello, AI assistant!"));
 * client.endRun(runId);
 * client.close();
 * }</pre>
 *
 * <p>Recording never blocks and never throws into the caller (unless {@linkplain Builder#strict(boolean) strict mode}
 * is on): an event that cannot be accepted is dropped and counted in {@link #stats()}. Memory is bounded by the queue
 * limits (plus the batch being sent and the next one, prepared meanwhile), delivery is retried with backoff, and
 * {@link #close()} (or, at JVM exit, a shutdown hook) delivers what is queued. Implementations are thread-safe.
 */
public interface InsideLlmClient extends AutoCloseable {

    /** Returns a builder; settings not given fall back to {@code insidellm.*} system properties, then {@code INSIDELLM_*}
     * environment variables, then defaults. */
    static Builder builder() {
        return new Builder();
    }

    /** Returns a client that accepts every call and does nothing, for switching analytics off without {@code if}s. */
    static InsideLlmClient noop() {
        return NoopClient.INSTANCE;
    }

    /**
     * Queues an event for delivery without blocking.
     *
     * @return whether the event was accepted; when not, it was counted as dropped with a {@link DropReason}
     * @throws InsideLlmException only in strict mode, when the event was not accepted
     */
    boolean logEvent(Event event);

    /** Starts a run for {@code userId} with a new random id, emits {@code run.start} and returns the run id. */
    String startRun(String userId);

    /**
     * Starts a run with a given id and metadata, emits {@code run.start} and returns the run id. The metadata is
     * merged into every event of this run (an event's own keys win).
     *
     * @param runId the run id (a UUID), or {@code null} for a random one
     */
    String startRun(@Nullable String runId, String userId, @Nullable Map<String, ?> metadata);

    /** Ends a run: emits {@code run.end} with the run's duration. Unknown run ids are ignored (logged at DEBUG). */
    void endRun(String runId);

    /** Ends a run, recording why it ended (for example {@code "completed"} or {@code "error"}). */
    void endRun(String runId, @Nullable String exitReason);

    /**
     * Delivers every event accepted before this call, including a batch already in flight, waiting at most
     * {@code timeout}, then {@linkplain EventExporter#flush() flushes} every exporter (local files are synced to the
     * disk).
     *
     * @return whether all of them were delivered within the timeout and every exporter flushed
     */
    boolean flush(Duration timeout);

    /** Flushes with the client's close timeout. */
    default boolean flush() {
        return flush(Builder.DEFAULT_CLOSE_TIMEOUT);
    }

    // ---------------------------------------------------------------- instrumentation (see InsideLlmTracker)

    /**
     * Starts a run for {@code userId} and returns its tracker, whose context is current on this thread until it is
     * closed. Use it in {@code try}-with-resources; closing it ends the run. The no-op client returns a tracker that
     * runs wrapped calls and records nothing.
     */
    default InsideLlmTracker tracker(String userId) {
        return new InsideLlmTracker(this, userId, null);
    }

    /** Like {@link #tracker(String)}, with metadata merged into every event of the run. */
    default InsideLlmTracker tracker(String userId, @Nullable Map<String, ?> metadata) {
        return new InsideLlmTracker(this, userId, metadata);
    }

    /**
     * Runs {@code body} as one run: starts it, passes the tracker, and ends it. When the body throws, the run gets a
     * {@code context_error} event and {@code exit_reason} {@code "error"}, and the exception is rethrown unchanged.
     *
     * @throws E whatever the body throws
     */
    default <T, E extends Exception> T track(String userId, TrackerBody<T, E> body) throws E {
        Objects.requireNonNull(body, "body");
        InsideLlmTracker tracker = tracker(userId);
        T result;
        try {
            result = body.run(tracker);
        } catch (Throwable t) {
            tracker.closeExceptionally(t);
            throw t;
        }
        tracker.close();
        return result;
    }

    /**
     * Reports an event that an integration could not build from its caller's arguments (a tracker given a null model
     * name, a mapper that threw): counted as dropped with {@link DropReason#INVALID_EVENT}, and, in
     * {@linkplain Builder#strict(boolean) strict mode}, an {@link IllegalArgumentException} is rethrown. Never throws
     * otherwise. The default (the no-op client) only logs it at DEBUG.
     */
    default void reportInvalidEvent(RuntimeException cause) {
        LoggerFactory.getLogger(InsideLlmClient.class).debug("InsideLLM could not build an event: {}", cause.toString());
    }

    /** Returns a snapshot of the delivery figures. */
    ClientStats stats();

    /** Whether the last delivery worked and the circuit breaker is closed. */
    boolean isHealthy();

    /**
     * The circuit-breaker state of each destination, by exporter name ({@code CLOSED}, {@code OPEN},
     * {@code HALF_OPEN}, ...), for health reports; empty for the no-op client.
     */
    default Map<String, String> circuitStates() {
        return Map.of();
    }

    /**
     * Ends every run this client started and did not end ({@code run.end} with {@code exit_reason:
     * "client_closed"} and the run's duration), stops accepting events, delivers what is queued within the configured
     * close timeout, and stops the client's threads. The JVM shutdown hook does the same. Idempotent.
     */
    @Override
    void close();

    /** Like {@link #close()}, waiting at most {@code timeout} for delivery. */
    void close(Duration timeout);

    /**
     * Where a client sends its events, as {@link Builder#destination()} decides it. Integrations (the Spring
     * auto-configuration) ask it instead of reading {@code INSIDELLM_MODE} and {@code INSIDELLM_API_KEY} themselves.
     */
    enum Destination {
        /** Switched off ({@code enabled(false)}, {@code INSIDELLM_ENABLED=false}): {@code build()} returns the no-op
         * client. */
        DISABLED,
        /** The InsideLLM API (an API key is set), and any exporters added. */
        API,
        /** Local files ({@code localMode()}, {@code INSIDELLM_MODE=local}), and any exporters added. */
        LOCAL_FILES,
        /** Only the exporters added to the builder: no API key and local mode off. */
        EXPORTERS,
        /** Nowhere: no API key, local mode off and no exporter; {@code build()} throws, saying how to fix it. */
        UNCONFIGURED
    }

    /**
     * Configures an {@link InsideLlmClient}. Every setting validates its value at once and
     * {@link IllegalArgumentException} names the setting and the bad value. Not thread-safe.
     *
     * <p>This file declares what is recorded and where it goes (API key, destinations, processors, listeners,
     * privacy, sampling, prices); the delivery options — batching, queue bounds, retries, timeouts, HTTP, the disk
     * outbox — are declared beside it, in a package-private superclass, and are this builder's methods all the same.
     */
    final class Builder extends DeliveryOptions {

        /** Default {@code batchSize}: {@value}. */
        public static final int DEFAULT_BATCH_SIZE = 50;
        /** Default {@code maxQueueSize}: {@value}. */
        public static final int DEFAULT_MAX_QUEUE_SIZE = 10_000;
        /** Default {@code maxQueueBytes}: {@value} (64 MiB). */
        public static final long DEFAULT_MAX_QUEUE_BYTES = 64L * 1024 * 1024;
        /** Default {@code maxBatchBytes}: {@value} (512 KiB). */
        public static final long DEFAULT_MAX_BATCH_BYTES = 512L * 1024;
        /** Default {@code maxEventBytes}: {@value} (1 MiB). */
        public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
        /** Default {@code maxRetries}: {@value}. */
        public static final int DEFAULT_MAX_RETRIES = 3;
        /** Default {@code backoffFactor}: {@value}. */
        public static final double DEFAULT_BACKOFF_FACTOR = 2.0;
        /** Default base URL: {@value}. */
        public static final String DEFAULT_BASE_URL = "https://api.insidellm.com";
        /** Default {@code flushInterval}: 5 seconds (the Python SDK uses 30). */
        public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
        /** Default {@code requestTimeout}: 30 seconds. */
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
        /** Default {@code initialBackoff}: 500 milliseconds. */
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
        /** Default {@code maxBackoff}: 30 seconds. */
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
        /** Default {@code closeTimeout}: 10 seconds. */
        public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
        /** Default local-mode directory: {@code .insidellm/events} under the working directory. */
        public static final Path DEFAULT_LOCAL_DIRECTORY = Path.of(".insidellm", "events");
        /** Default bound on the disk outbox's size: {@value} bytes (100 MiB). */
        public static final long DEFAULT_OUTBOX_MAX_BYTES = Outbox.DEFAULT_MAX_BYTES;
        /** Default bound on how long a batch may wait in the disk outbox: 7 days. */
        public static final Duration DEFAULT_OUTBOX_MAX_AGE = Outbox.DEFAULT_MAX_AGE;

        Builder() {
        }

        /** The API key sent as {@code Authorization: Bearer ...}; else {@code INSIDELLM_API_KEY}. Never logged. */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            draft.apiKey = apiKey;
            return this;
        }

        /** The ingestion API's base URL; else {@code INSIDELLM_BASE_URL}, else {@value #DEFAULT_BASE_URL}. */
        public Builder baseUrl(String baseUrl) {
            draft.baseUrl = Checks.checkUrl("baseUrl", Objects.requireNonNull(baseUrl, "baseUrl"));
            return this;
        }

        /**
         * Strict mode: recording methods throw {@link InsideLlmException} when an event cannot be accepted, instead
         * of counting it as dropped. For tests and development; default false (else {@code INSIDELLM_RAISE_ON_ERROR}).
         */
        public Builder strict(boolean strict) {
            draft.strict = strict;
            return this;
        }

        /** {@code false} makes {@link #build()} return the no-op client; else {@code INSIDELLM_ENABLED}. */
        public Builder enabled(boolean enabled) {
            draft.enabled = enabled;
            return this;
        }

        /** Whether a JVM shutdown hook delivers queued events at exit; default true. Removed on close. */
        public Builder shutdownHook(boolean shutdownHook) {
            draft.shutdownHook = shutdownHook;
            return this;
        }

        /**
         * Local mode: no API key and no network; events are written as JSON lines under
         * {@link #DEFAULT_LOCAL_DIRECTORY} (else {@code INSIDELLM_MODE=local}).
         */
        public Builder localMode() {
            draft.localMode = true;
            return this;
        }

        /** Local mode writing under {@code directory}. */
        public Builder localMode(Path directory) {
            draft.localMode = true;
            draft.localDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Adds a destination. With an API key, events go to the InsideLLM API and to every added exporter; without
         * one (and not in local mode), only to the added exporters.
         */
        public Builder addExporter(EventExporter exporter) {
            draft.exporters.add(Objects.requireNonNull(exporter, "exporter"));
            return this;
        }

        /** Adds a processor, run on the flusher thread before serialisation, after the ones added before it. */
        public Builder addProcessor(EventProcessor processor) {
            draft.processors.add(Objects.requireNonNull(processor, "processor"));
            return this;
        }

        /**
         * Adds a listener hearing delivered, failed and dropped events, export timings and every {@code llm.response}
         * (for metrics: {@code deliveryListener(metrics)} with an {@link InsideLlmMetrics}). May be called more than
         * once; listeners are called in the order added, on the client's threads, never on the caller's.
         */
        public Builder deliveryListener(DeliveryListener listener) {
            draft.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        // ------------------------------------------------------------ privacy, volume and cost (ProcessorChain)


        /**
         * Adds redactors, run over every string of every event's payload and metadata before it leaves the process,
         * for example {@code redact(Redactors.builtIns())}. Off by default. A redactor that throws replaces the
         * string with {@value Redactors#FAILED_MARKER}; nothing is sent unredacted.
         */
        public Builder redact(Redactor... redactors) {
            Objects.requireNonNull(redactors, "redactors");
            for (Redactor redactor : redactors) {
                draft.redactors.add(Objects.requireNonNull(redactor, "redactor"));
            }
            return this;
        }

        /**
         * Whether prompts, responses, tool arguments and results and other conversation content are recorded;
         * default true (else {@code INSIDELLM_CAPTURE_CONTENT}). When false, events keep their types, models, tools,
         * token usage, timings, costs and errors, and required text fields read {@code [NOT CAPTURED]}.
         */
        public Builder captureContent(boolean captureContent) {
            draft.captureContent = captureContent;
            return this;
        }

        /**
         * The share of runs recorded, 0.0 to 1.0; default 1.0 (all), else {@code INSIDELLM_SAMPLE_RATE}. The decision is made from the run id, so a run
         * is kept or dropped whole, the same way by every client; error events are always kept. Dropped events count
         * as {@link DropReason#FILTERED}.
         */
        public Builder sampleRate(double sampleRate) {
            draft.sampleRate = Checks.checkRange("sampleRate", sampleRate, 0.0, 1.0);
            return this;
        }

        /**
         * The prices used to fill in the {@code cost} of {@code llm.response} events that have token usage but no
         * cost; default {@link PriceTable#defaults()}, {@link PriceTable#empty()} turns cost estimation off.
         */
        public Builder prices(PriceTable prices) {
            draft.prices = Objects.requireNonNull(prices, "prices");
            return this;
        }

        Builder environment(Function<String, @Nullable String> environment) {
            draft.environment = environment;
            return this;
        }

        Builder systemProperties(Function<String, @Nullable String> systemProperties) {
            draft.systemProperties = systemProperties;
            return this;
        }

        /**
         * Builds the client. Threads start lazily, with the first event.
         *
         * @throws IllegalArgumentException when a setting from a system property or environment variable is invalid
         *     (the message names it), or when no API key is set and local mode is off
         */
        public InsideLlmClient build() {
            return ClientFactory.create(settings());
        }

        /**
         * Where a client built now would send its events, by the rule {@link #build()} applies: each setting from
         * this builder, else the {@code insidellm.*} system property, else the {@code INSIDELLM_*} environment
         * variable ({@code INSIDELLM_ENABLED}, {@code INSIDELLM_MODE}, {@code INSIDELLM_API_KEY}), else the default.
         * Integrations that should stay silent rather than fail when nothing is configured ask this before building,
         * and use the {@linkplain InsideLlmClient#noop() no-op client} for {@link Destination#UNCONFIGURED}.
         *
         * @throws IllegalArgumentException when a setting from a system property or environment variable is invalid
         */
        public Destination destination() {
            return settings().destination();
        }

        /** The settings this builder resolves to now, for tests. */
        Settings settings() {
            return Settings.resolve(draft);
        }

        @Override
        public String toString() {
            return "InsideLlmClient.Builder{baseUrl=" + draft.baseUrl + ", apiKey=" + (draft.apiKey == null ? "unset" : "***")
                    + "}";
        }
    }
}
