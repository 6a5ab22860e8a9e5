package com.insidellm;

import com.insidellm.internal.Checks;
import com.insidellm.internal.SettingsDraft;
import com.insidellm.internal.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * The delivery options of {@link InsideLlmClient.Builder}: batching, the queue's bounds, retries and backoff,
 * timeouts, the circuit breaker, HTTP, and the disk outbox — how events travel, as opposed to what is recorded and
 * where it goes, which {@link InsideLlmClient.Builder} declares itself. Users only ever see these as the builder's own
 * methods (each returns the builder); the class exists so that each file reads as one concern. Defaults are the
 * builder's {@code DEFAULT_*} constants. Each setter returns {@code InsideLlmClient.Builder} (not a type parameter),
 * and javac gives the public builder a bridge with the same signature for each, so code compiled against the builder
 * when these were declared in it still links. Not thread-safe.
 */
abstract sealed class DeliveryOptions permits InsideLlmClient.Builder {

    /** What the setters gave; resolved against properties, environment and defaults by {@code build()}. */
    final SettingsDraft draft = new SettingsDraft();

    DeliveryOptions() {
    }

    private InsideLlmClient.Builder self() {
        return (InsideLlmClient.Builder) this;
    }

    /** Events per request, 1 to 10,000; default {@value InsideLlmClient.Builder#DEFAULT_BATCH_SIZE}. */
    public InsideLlmClient.Builder batchSize(int batchSize) {
        draft.batchSize = Checks.checkRange("batchSize", batchSize, 1, 10_000);
        return self();
    }

    /** How long an event may wait before it is sent even if the batch is not full; default 5 seconds. */
    public InsideLlmClient.Builder flushInterval(Duration flushInterval) {
        draft.flushInterval = Checks.checkPositive("flushInterval", flushInterval);
        return self();
    }

    /**
     * The most events the queue holds, 1 to 10,000,000; default
     * {@value InsideLlmClient.Builder#DEFAULT_MAX_QUEUE_SIZE}.
     */
    public InsideLlmClient.Builder maxQueueSize(int maxQueueSize) {
        draft.maxQueueSize = Checks.checkRange("maxQueueSize", maxQueueSize, 1, 10_000_000);
        return self();
    }

    /** The most (estimated) bytes of event data the queue holds; default 64 MiB. */
    public InsideLlmClient.Builder maxQueueBytes(long maxQueueBytes) {
        draft.maxQueueBytes = Checks.checkRange("maxQueueBytes", maxQueueBytes, 1024, Long.MAX_VALUE);
        return self();
    }

    /** The most bytes of JSON per request; default 512 KiB. */
    public InsideLlmClient.Builder maxBatchBytes(long maxBatchBytes) {
        draft.maxBatchBytes = Checks.checkRange("maxBatchBytes", maxBatchBytes, 1024, 1L << 30);
        return self();
    }

    /**
     * The most bytes of JSON per event; larger events have their longest strings truncated with a visible
     * marker, and are dropped if that is not enough. Default 1 MiB.
     */
    public InsideLlmClient.Builder maxEventBytes(int maxEventBytes) {
        draft.maxEventBytes = (int) Checks.checkRange("maxEventBytes", maxEventBytes, 1024, 1 << 30);
        return self();
    }

    /** Retries after the first attempt, 0 to 100; default {@value InsideLlmClient.Builder#DEFAULT_MAX_RETRIES}. */
    public InsideLlmClient.Builder maxRetries(int maxRetries) {
        draft.maxRetries = Checks.checkRange("maxRetries", maxRetries, 0, 100);
        return self();
    }

    /**
     * Multiplier between consecutive backoff waits, 1.0 to 10.0; default
     * {@value InsideLlmClient.Builder#DEFAULT_BACKOFF_FACTOR}.
     */
    public InsideLlmClient.Builder backoffFactor(double backoffFactor) {
        draft.backoffFactor = Checks.checkRange("backoffFactor", backoffFactor, 1.0, 10.0);
        return self();
    }

    /** The first backoff wait (before jitter); default 500 ms. */
    public InsideLlmClient.Builder initialBackoff(Duration initialBackoff) {
        draft.initialBackoff = Checks.checkPositive("initialBackoff", initialBackoff);
        return self();
    }

    /** The longest backoff wait, also the cap on a server's {@code Retry-After}; default 30 s. */
    public InsideLlmClient.Builder maxBackoff(Duration maxBackoff) {
        draft.maxBackoff = Checks.checkPositive("maxBackoff", maxBackoff);
        return self();
    }

    /** Timeout of one HTTP request; default 30 s. */
    public InsideLlmClient.Builder requestTimeout(Duration requestTimeout) {
        draft.requestTimeout = Checks.checkPositive("requestTimeout", requestTimeout);
        return self();
    }

    /** How long {@link InsideLlmClient#close()} and the shutdown hook may take to deliver; default 10 s. */
    public InsideLlmClient.Builder closeTimeout(Duration closeTimeout) {
        draft.closeTimeout = Checks.checkPositive("closeTimeout", closeTimeout);
        return self();
    }

    /** How long the circuit breaker stays open before probing a failing backend again; default 30 s. */
    public InsideLlmClient.Builder circuitOpenDuration(Duration circuitOpenDuration) {
        draft.circuitOpenDuration = Checks.checkPositive("circuitOpenDuration", circuitOpenDuration);
        return self();
    }

    /**
     * The OkHttp client to send with, for proxies, TLS or interceptors. The SDK derives its own client from it
     * (sharing its connection pool and dispatcher) and never shuts it down.
     */
    public InsideLlmClient.Builder httpClient(OkHttpClient httpClient) {
        draft.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        return self();
    }

    /**
     * Whether request bodies are gzip-compressed. Default: off, as in the Python SDK (a backend built from its
     * documentation reads the body as plain JSON). Also {@code insidellm.gzip} / {@code INSIDELLM_GZIP}. When on
     * and the backend answers a compressed request with 400 or 415, the client sends that batch again
     * uncompressed, stays uncompressed from then on, and says so in one WARN.
     */
    public InsideLlmClient.Builder gzip(boolean gzip) {
        draft.gzip = gzip;
        return self();
    }

    /** What a full queue drops; default {@link DropPolicy#DROP_NEWEST}. */
    public InsideLlmClient.Builder dropPolicy(DropPolicy dropPolicy) {
        draft.dropPolicy = Objects.requireNonNull(dropPolicy, "dropPolicy");
        return self();
    }

    /**
     * Turns on the disk outbox in {@code directory} (created if needed; else {@code insidellm.outbox-directory} /
     * {@code INSIDELLM_OUTBOX_DIR}; off by default). Batches for the InsideLLM API that cannot be delivered — the
     * backend is down, the circuit breaker is open, the retries are exhausted, or {@code close()} runs out of
     * time — are written there instead of being counted as failed, and are delivered first, oldest first, when
     * the backend answers again or when the next process with the same directory starts. While the outbox holds
     * batches, new batches are written behind them, so order is kept. With the outbox on, a failed batch goes to
     * the outbox at once instead of being retried in memory ({@link #maxRetries} applies without an outbox): the
     * outbox retries it with the same backoff (or after the backend's {@code Retry-After}) while new batches keep
     * flowing, so a slow or dead backend never fills the queue. Batches are gathered into files of up to 20
     * batches (at most {@link #maxBatchBytes}), written when full or after 100 ms without a new batch; each file is
     * sent as one request.
     *
     * <p>Crash-safe (a file is written to a temporary name, forced to disk and renamed), shared safely (processes
     * using the same directory lock each file they send, so none is sent twice), bounded by
     * {@link #outboxMaxBytes} and {@link #outboxMaxAge} (the oldest batches are dropped first and counted as
     * {@link DropReason#OUTBOX_FULL} and {@link DropReason#OUTBOX_EXPIRED}). A damaged file is moved to
     * {@code damaged/} with a WARN. All of it happens on the client's threads, never the caller's. Events
     * delivered from the outbox count in {@code eventsSent} of the process that delivers them; the delivery
     * listener's {@code onDelivered} receives them read back from their JSON. {@link ClientStats#outboxSize()}
     * counts the events waiting.
     *
     * @throws IllegalArgumentException from {@link InsideLlmClient.Builder#build()} if the directory cannot be
     *     created or written
     */
    public InsideLlmClient.Builder outbox(Path directory) {
        draft.outboxDirectory = Objects.requireNonNull(directory, "directory");
        return self();
    }

    /**
     * The most bytes the disk outbox may hold; default {@value InsideLlmClient.Builder#DEFAULT_OUTBOX_MAX_BYTES}
     * (100 MiB).
     */
    public InsideLlmClient.Builder outboxMaxBytes(long outboxMaxBytes) {
        draft.outboxMaxBytes = Checks.checkRange("outboxMaxBytes", outboxMaxBytes, 1024, Long.MAX_VALUE);
        return self();
    }

    /** How long a batch may wait in the disk outbox before it is dropped; default 7 days. */
    public InsideLlmClient.Builder outboxMaxAge(Duration outboxMaxAge) {
        draft.outboxMaxAge = Checks.checkPositive("outboxMaxAge", outboxMaxAge);
        return self();
    }

    InsideLlmClient.Builder clock(Clock clock) {
        draft.clock = clock;
        return self();
    }

    InsideLlmClient.Builder sleeper(Sleeper sleeper) {
        draft.sleeper = sleeper;
        return self();
    }
}
