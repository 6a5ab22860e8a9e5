package com.insidellm.internal;

import com.insidellm.DeliveryListener;
import com.insidellm.DropPolicy;
import com.insidellm.EventExporter;
import com.insidellm.EventProcessor;
import com.insidellm.InsideLlmClient;
import com.insidellm.PriceTable;
import com.insidellm.Redactor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link InsideLlmClient.Builder}'s setters were given, already checked one by one; {@code null} means "not
 * set": {@link Settings#resolve} falls back to system properties, environment and defaults. Internal; mutable, not
 * thread-safe (owned by one builder).
 */
public final class SettingsDraft {

    public @Nullable String apiKey;
    public @Nullable String baseUrl;
    public @Nullable Integer batchSize;
    public @Nullable Duration flushInterval;
    public @Nullable Integer maxQueueSize;
    public long maxQueueBytes = InsideLlmClient.Builder.DEFAULT_MAX_QUEUE_BYTES;
    public long maxBatchBytes = InsideLlmClient.Builder.DEFAULT_MAX_BATCH_BYTES;
    public int maxEventBytes = InsideLlmClient.Builder.DEFAULT_MAX_EVENT_BYTES;
    public @Nullable Integer maxRetries;
    public @Nullable Double backoffFactor;
    public Duration initialBackoff = InsideLlmClient.Builder.DEFAULT_INITIAL_BACKOFF;
    public Duration maxBackoff = InsideLlmClient.Builder.DEFAULT_MAX_BACKOFF;
    public @Nullable Duration requestTimeout;
    public Duration closeTimeout = InsideLlmClient.Builder.DEFAULT_CLOSE_TIMEOUT;
    public Duration circuitOpenDuration = Duration.ofSeconds(30);
    public @Nullable OkHttpClient httpClient;
    public @Nullable Boolean gzip;
    public DropPolicy dropPolicy = DropPolicy.DROP_NEWEST;
    public @Nullable Boolean strict;
    public @Nullable Boolean enabled;
    public boolean shutdownHook = true;
    public @Nullable Boolean localMode;
    public @Nullable Path localDirectory;
    public @Nullable Path outboxDirectory;
    public long outboxMaxBytes = Outbox.DEFAULT_MAX_BYTES;
    public Duration outboxMaxAge = Outbox.DEFAULT_MAX_AGE;
    public final List<DeliveryListener> listeners = new ArrayList<>();
    public final List<EventExporter> exporters = new ArrayList<>();
    public final List<EventProcessor> processors = new ArrayList<>();
    public Clock clock = Clock.systemUTC();
    public Sleeper sleeper = Sleeper.SYSTEM;
    public Function<String, @Nullable String> environment = System::getenv;
    public Function<String, @Nullable String> systemProperties = System::getProperty;
    public final List<Redactor> redactors = new ArrayList<>();
    public @Nullable Boolean captureContent;
    public @Nullable Double sampleRate;
    public @Nullable PriceTable prices;
}
