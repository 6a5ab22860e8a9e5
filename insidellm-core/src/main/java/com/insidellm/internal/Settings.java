package com.insidellm.internal;

import com.insidellm.DeliveryListener;
import com.insidellm.DropPolicy;
import com.insidellm.EventExporter;
import com.insidellm.EventProcessor;
import com.insidellm.InsideLlmClient;
import com.insidellm.PriceTable;
import com.insidellm.internal.processing.CostProcessor;
import com.insidellm.internal.processing.ProcessorChain;
import com.insidellm.internal.processing.RedactionProcessor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The resolved, validated settings of a client (builder, else system property, else environment, else default), read
 * by the engine's classes. Internal; immutable.
 */
public final class Settings {

    public final boolean enabled;
    public final @Nullable String apiKey;
    public final String baseUrl;
    public final int batchSize;
    public final Duration flushInterval;
    public final int maxQueueSize;
    public final long maxQueueBytes;
    public final long maxBatchBytes;
    public final int maxEventBytes;
    public final int maxRetries;
    public final double backoffFactor;
    public final Duration initialBackoff;
    public final Duration maxBackoff;
    public final Duration requestTimeout;
    public final Duration closeTimeout;
    public final Duration circuitOpenDuration;
    public final @Nullable OkHttpClient httpClient;
    public final boolean gzip;
    public final DropPolicy dropPolicy;
    public final boolean strict;
    public final boolean shutdownHook;
    public final boolean localMode;
    public final Path localDirectory;
    /** The disk outbox's directory, or {@code null} when the outbox is off. */
    public final @Nullable Path outboxDirectory;
    public final long outboxMaxBytes;
    public final Duration outboxMaxAge;
    public final List<DeliveryListener> listeners;
    public final List<EventExporter> exporters;
    public final List<EventProcessor> processors;
    public final PriceTable prices;
    public final @Nullable RedactionProcessor redaction;
    /** Fills the cost of {@code llm.response} events, before sampling; {@code null} with an empty price table. */
    public final @Nullable CostProcessor cost;
    public final Clock clock;
    public final Sleeper sleeper;

    private Settings(SettingsDraft b) {
        SettingSource src = new SettingSource(b.environment, b.systemProperties);
        this.enabled = b.enabled != null ? b.enabled : src.bool("enabled", "INSIDELLM_ENABLED", true);
        this.apiKey = b.apiKey != null ? b.apiKey : SettingSource.blankToNull(src.lookup("api-key", "INSIDELLM_API_KEY"));
        this.baseUrl = b.baseUrl != null ? b.baseUrl : src.url("base-url", "INSIDELLM_BASE_URL");
        this.batchSize = b.batchSize != null ? b.batchSize
                : (int) src.number("batch-size", "INSIDELLM_BATCH_SIZE", InsideLlmClient.Builder.DEFAULT_BATCH_SIZE, 1,
                        10_000);
        this.flushInterval = b.flushInterval != null ? b.flushInterval
                : src.seconds("flush-interval", "INSIDELLM_AUTO_FLUSH_INTERVAL",
                        InsideLlmClient.Builder.DEFAULT_FLUSH_INTERVAL);
        this.maxQueueSize = b.maxQueueSize != null ? b.maxQueueSize
                : (int) src.number("max-queue-size", "INSIDELLM_MAX_QUEUE_SIZE",
                        InsideLlmClient.Builder.DEFAULT_MAX_QUEUE_SIZE, 1, 10_000_000);
        this.maxQueueBytes = b.maxQueueBytes;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxEventBytes = b.maxEventBytes;
        this.maxRetries = b.maxRetries != null ? b.maxRetries
                : (int) src.number("max-retries", "INSIDELLM_MAX_RETRIES", InsideLlmClient.Builder.DEFAULT_MAX_RETRIES, 0,
                        100);
        this.backoffFactor = b.backoffFactor != null ? b.backoffFactor
                : src.decimal("backoff-factor", "INSIDELLM_BACKOFF_FACTOR", InsideLlmClient.Builder.DEFAULT_BACKOFF_FACTOR,
                        1.0, 10.0);
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout != null ? b.requestTimeout
                : src.seconds("request-timeout", "INSIDELLM_REQUEST_TIMEOUT",
                        InsideLlmClient.Builder.DEFAULT_REQUEST_TIMEOUT);
        this.closeTimeout = b.closeTimeout;
        this.circuitOpenDuration = b.circuitOpenDuration;
        this.httpClient = b.httpClient;
        // Off by default, as in the Python SDK: a backend written from its documentation reads the body as plain JSON
        // and answers a compressed one with 400, which lost every event before the fallback below existed.
        this.gzip = b.gzip != null ? b.gzip : src.bool("gzip", "INSIDELLM_GZIP", false);
        this.dropPolicy = b.dropPolicy;
        this.strict = b.strict != null ? b.strict : src.bool("strict", "INSIDELLM_RAISE_ON_ERROR", false);
        this.shutdownHook = b.shutdownHook;
        this.localMode = b.localMode != null ? b.localMode : src.localMode();
        String dir = src.lookup("local-directory", "INSIDELLM_LOCAL_DIR");
        this.localDirectory = b.localDirectory != null ? b.localDirectory
                : dir != null && !dir.isBlank() ? Path.of(dir) : InsideLlmClient.Builder.DEFAULT_LOCAL_DIRECTORY;
        String outbox = src.lookup("outbox-directory", "INSIDELLM_OUTBOX_DIR");
        this.outboxDirectory = b.outboxDirectory != null ? b.outboxDirectory
                : outbox != null && !outbox.isBlank() ? Path.of(outbox) : null;
        this.outboxMaxBytes = b.outboxMaxBytes;
        this.outboxMaxAge = b.outboxMaxAge;
        this.listeners = List.copyOf(b.listeners);
        this.exporters = List.copyOf(b.exporters);
        this.prices = b.prices != null ? b.prices : PriceTable.defaults();
        this.redaction = b.redactors.isEmpty() ? null : new RedactionProcessor(b.redactors);
        this.processors = ProcessorChain.of(b.processors,
                b.sampleRate != null ? b.sampleRate : src.decimal("sample-rate", "INSIDELLM_SAMPLE_RATE", 1.0, 0.0, 1.0),
                b.captureContent != null ? b.captureContent
                        : src.bool("capture-content", "INSIDELLM_CAPTURE_CONTENT", true),
                redaction);
        this.cost = prices.models().isEmpty() ? null : new CostProcessor(prices);
        this.clock = b.clock;
        this.sleeper = b.sleeper;
    }

    /** Where a client with these settings sends its events; see {@link InsideLlmClient.Builder#destination()}. */
    public InsideLlmClient.Destination destination() {
        if (!enabled) {
            return InsideLlmClient.Destination.DISABLED;
        }
        if (localMode) {
            return InsideLlmClient.Destination.LOCAL_FILES;
        }
        if (apiKey != null) {
            return InsideLlmClient.Destination.API;
        }
        return exporters.isEmpty() ? InsideLlmClient.Destination.UNCONFIGURED : InsideLlmClient.Destination.EXPORTERS;
    }

    /**
     * Resolves the builder's values against system properties, environment and defaults.
     *
     * @throws IllegalArgumentException when a value from outside is invalid
     */
    public static Settings resolve(SettingsDraft draft) {
        return new Settings(draft);
    }
}
