package com.insidellm.spring;

import com.insidellm.DropPolicy;
import com.insidellm.InsideLlmClient;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * The {@code insidellm.*} configuration properties.
 *
 * <p>Every client setting left unset falls back, as with {@link InsideLlmClient#builder()}, to the {@code insidellm.*}
 * system property, then the {@code INSIDELLM_*} environment variable, then the SDK's default (named in each
 * property's description). Settings not covered here are set with an {@link InsideLlmClientCustomizer} bean.
 *
 * <p>Bound once at startup by Spring; not meant to be changed afterwards.
 */
@ConfigurationProperties(prefix = "insidellm")
public class InsideLlmProperties {

    /** How the client delivers events. */
    public enum Mode {
        /** Send events to the InsideLLM API (requires an API key). */
        REMOTE,
        /** Write events as JSON lines to local files; no API key, no network. */
        LOCAL
    }

    /** Whether InsideLLM records anything; false gives the no-op client. */
    private boolean enabled = true;

    /** API key sent as "Authorization: Bearer ..."; else INSIDELLM_API_KEY. Never logged. */
    private @Nullable String apiKey;

    /** Base URL of the ingestion API. Default https://api.insidellm.com. */
    private @Nullable String baseUrl;

    /** Where events go: REMOTE (the API, the default when an API key is set) or LOCAL (JSON-lines files). */
    private @Nullable Mode mode;

    /** Directory for LOCAL mode. Default .insidellm/events under the working directory. */
    private @Nullable Path localDirectory;

    /**
     * Directory of the disk outbox, where batches the API cannot take now (backend down, close() out of time) wait
     * to be delivered, also by the next start. Off by default.
     */
    private @Nullable Path outboxDirectory;

    /** The most the disk outbox may hold; the oldest batches are dropped first. Default 100MB. */
    private @Nullable DataSize outboxMaxSize;

    /** How long a batch may wait in the disk outbox. Default 7d. */
    private @Nullable Duration outboxMaxAge;

    /** Events per request, 1 to 10000. Default 50. */
    private @Nullable Integer batchSize;

    /** How long an event may wait before it is sent even if the batch is not full. Default 5s. */
    private @Nullable Duration flushInterval;

    /** The most events the queue holds; beyond it events are dropped and counted. Default 10000. */
    private @Nullable Integer maxQueueSize;

    /** The most (estimated) event data the queue holds. Default 64MB. */
    private @Nullable DataSize maxQueueBytes;

    /** The most JSON per request. Default 512KB. */
    private @Nullable DataSize maxBatchBytes;

    /** The most JSON per event; longer strings are truncated with a visible marker. Default 1MB. */
    private @Nullable DataSize maxEventBytes;

    /** Retries after the first attempt, 0 to 100. Default 3. */
    private @Nullable Integer maxRetries;

    /** Multiplier between consecutive backoff waits, 1.0 to 10.0. Default 2.0. */
    private @Nullable Double backoffFactor;

    /** The first backoff wait, before jitter. Default 500ms. */
    private @Nullable Duration initialBackoff;

    /** The longest backoff wait, also the cap on a server's Retry-After. Default 30s. */
    private @Nullable Duration maxBackoff;

    /** Timeout of one HTTP request. Default 30s. */
    private @Nullable Duration requestTimeout;

    /** How long closing the client (when the application context closes) may take to deliver. Default 10s. */
    private @Nullable Duration closeTimeout;

    /** How long the circuit breaker stays open before probing a failing backend again. Default 30s. */
    private @Nullable Duration circuitOpenDuration;

    /**
     * Whether request bodies are gzip-compressed. Default false, as in the Python SDK; when on, a backend that answers a
     * compressed request with 400 or 415 gets plain JSON from then on.
     */
    private @Nullable Boolean gzip;

    /** What a full queue drops: DROP_NEWEST (the default) or DROP_OLDEST. */
    private @Nullable DropPolicy dropPolicy;

    /** Strict mode: recording throws when an event cannot be accepted. For tests and development. Default false. */
    private @Nullable Boolean strict;

    /**
     * Whether prompts, responses, tool arguments and results are recorded. When false, events keep types, models,
     * tools, token usage, timings, costs and errors, and text fields read [NOT CAPTURED]. Default true.
     */
    private @Nullable Boolean captureContent;

    /** The share of runs recorded, 0.0 to 1.0; a run is kept or dropped whole, errors are always kept. Default 1.0. */
    private @Nullable Double sampleRate;

    /** Whether the cost of LLM responses with token usage is estimated from the SDK's price table. Default true. */
    private boolean estimateCost = true;

    @NestedConfigurationProperty
    private final InsideLlmRedactionProperties redaction = new InsideLlmRedactionProperties();

    /**
     * The user id of events when no InsideLlmUserResolver bean, authenticated Spring Security principal or
     * annotation names one.
     */
    private String defaultUserId = "anonymous";

    @NestedConfigurationProperty
    private final InsideLlmTrackingProperties tracking = new InsideLlmTrackingProperties();

    @NestedConfigurationProperty
    private final InsideLlmLangChain4jProperties langchain4j = new InsideLlmLangChain4jProperties();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getApiKey() {
        return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
        this.apiKey = apiKey;
    }

    public @Nullable String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public @Nullable Mode getMode() {
        return mode;
    }

    public void setMode(@Nullable Mode mode) {
        this.mode = mode;
    }

    public @Nullable Path getOutboxDirectory() {
        return outboxDirectory;
    }

    public void setOutboxDirectory(@Nullable Path outboxDirectory) {
        this.outboxDirectory = outboxDirectory;
    }

    public @Nullable DataSize getOutboxMaxSize() {
        return outboxMaxSize;
    }

    public void setOutboxMaxSize(@Nullable DataSize outboxMaxSize) {
        this.outboxMaxSize = outboxMaxSize;
    }

    public @Nullable Duration getOutboxMaxAge() {
        return outboxMaxAge;
    }

    public void setOutboxMaxAge(@Nullable Duration outboxMaxAge) {
        this.outboxMaxAge = outboxMaxAge;
    }

    public @Nullable Path getLocalDirectory() {
        return localDirectory;
    }

    public void setLocalDirectory(@Nullable Path localDirectory) {
        this.localDirectory = localDirectory;
    }

    public @Nullable Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(@Nullable Integer batchSize) {
        this.batchSize = batchSize;
    }

    public @Nullable Duration getFlushInterval() {
        return flushInterval;
    }

    public void setFlushInterval(@Nullable Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    public @Nullable Integer getMaxQueueSize() {
        return maxQueueSize;
    }

    public void setMaxQueueSize(@Nullable Integer maxQueueSize) {
        this.maxQueueSize = maxQueueSize;
    }

    public @Nullable DataSize getMaxQueueBytes() {
        return maxQueueBytes;
    }

    public void setMaxQueueBytes(@Nullable DataSize maxQueueBytes) {
        this.maxQueueBytes = maxQueueBytes;
    }

    public @Nullable DataSize getMaxBatchBytes() {
        return maxBatchBytes;
    }

    public void setMaxBatchBytes(@Nullable DataSize maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    public @Nullable DataSize getMaxEventBytes() {
        return maxEventBytes;
    }

    public void setMaxEventBytes(@Nullable DataSize maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    public @Nullable Integer getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(@Nullable Integer maxRetries) {
        this.maxRetries = maxRetries;
    }

    public @Nullable Double getBackoffFactor() {
        return backoffFactor;
    }

    public void setBackoffFactor(@Nullable Double backoffFactor) {
        this.backoffFactor = backoffFactor;
    }

    public @Nullable Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(@Nullable Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public @Nullable Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(@Nullable Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public @Nullable Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(@Nullable Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public @Nullable Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(@Nullable Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public @Nullable Duration getCircuitOpenDuration() {
        return circuitOpenDuration;
    }

    public void setCircuitOpenDuration(@Nullable Duration circuitOpenDuration) {
        this.circuitOpenDuration = circuitOpenDuration;
    }

    public @Nullable Boolean getGzip() {
        return gzip;
    }

    public void setGzip(@Nullable Boolean gzip) {
        this.gzip = gzip;
    }

    public @Nullable DropPolicy getDropPolicy() {
        return dropPolicy;
    }

    public void setDropPolicy(@Nullable DropPolicy dropPolicy) {
        this.dropPolicy = dropPolicy;
    }

    public @Nullable Boolean getStrict() {
        return strict;
    }

    public void setStrict(@Nullable Boolean strict) {
        this.strict = strict;
    }

    public String getDefaultUserId() {
        return defaultUserId;
    }

    public void setDefaultUserId(String defaultUserId) {
        this.defaultUserId = defaultUserId;
    }

    public InsideLlmTrackingProperties getTracking() {
        return tracking;
    }

    public InsideLlmLangChain4jProperties getLangchain4j() {
        return langchain4j;
    }

    public @Nullable Boolean getCaptureContent() {
        return captureContent;
    }

    public void setCaptureContent(@Nullable Boolean captureContent) {
        this.captureContent = captureContent;
    }

    public @Nullable Double getSampleRate() {
        return sampleRate;
    }

    public void setSampleRate(@Nullable Double sampleRate) {
        this.sampleRate = sampleRate;
    }

    public boolean isEstimateCost() {
        return estimateCost;
    }

    public void setEstimateCost(boolean estimateCost) {
        this.estimateCost = estimateCost;
    }

    public InsideLlmRedactionProperties getRedaction() {
        return redaction;
    }

    /** The SDK's built-in redactors. */
    public enum BuiltIn {
        /** Every built-in redactor. */
        ALL,
        /** E-mail addresses. */
        EMAILS,
        /** Phone numbers. */
        PHONE_NUMBERS,
        /** Payment card numbers. */
        CARD_NUMBERS,
        /** Bearer tokens. */
        BEARER_TOKENS,
        /** API keys. */
        API_KEYS
    }
}
