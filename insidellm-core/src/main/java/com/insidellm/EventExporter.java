package com.insidellm;

import java.nio.file.Path;

/**
 * Where batches of events go: the InsideLLM API, local files, a log, or a destination of the application's own.
 *
 * <p>The client calls {@link #export} on its sender thread, one batch at a time, and handles retries, backoff,
 * batch splitting and the circuit breaker itself according to the {@link ExportResult}; an exporter only reports what
 * happened to one attempt. Implementations must not throw; an exception is treated as a retryable failure.
 */
public interface EventExporter extends AutoCloseable {

    /**
     * An exporter writing JSON lines, one file per UTC day and run: {@code <directory>/<yyyy-MM-dd>/<run id>.jsonl},
     * each line one event's wire JSON (readable with {@code jq}, importable by the InsideLLM collector). This is what
     * {@linkplain InsideLlmClient.Builder#localMode() local mode} uses; add it next to the API to keep a local copy.
     */
    static EventExporter localFiles(Path directory) {
        return LocalFileExporter.create(directory);
    }

    /**
     * An exporter logging one compact line per event through SLF4J (logger {@code com.insidellm.events}, INFO), for
     * development. The lines name types, ids, models, tools, tokens, cost and timings, never prompts or responses.
     */
    static EventExporter logging() {
        return LoggingExporter.INSTANCE;
    }

    /** Delivers one batch and reports the outcome of this one attempt. */
    ExportResult export(EventBatch batch);

    /** A short name for logs and metrics, for example {@code "http"} or {@code "local-files"}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Whether reaching the destination now looks possible; used by health checks. */
    default boolean isHealthy() {
        return true;
    }

    /** Releases the exporter's resources. Called once, when the client closes. */
    @Override
    default void close() {
    }
}
