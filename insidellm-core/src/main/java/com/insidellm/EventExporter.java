package com.insidellm;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where batches of events go: the InsideLLM API, local files, a log, or a destination of the application's own.
 *
 * <p>The client calls {@link #export} on its sender thread, one batch at a time, and handles retries, backoff,
 * batch splitting and the circuit breaker itself according to the {@link ExportResult}; an exporter only reports what
 * happened to one attempt. {@link #flush()} and {@link #shutdown(Duration)} follow OpenTelemetry's
 * {@code LogRecordExporter}: the client calls them when it is flushed and when it closes. Implementations must not
 * throw; an exception from {@code export} is treated as a retryable failure, from the others it is logged.
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

    /**
     * Makes what was exported so far durable at the destination, for exporters that hold something back (open
     * files, buffers). {@link InsideLlmClient#flush(Duration)} calls it on its caller's thread once the events
     * accepted before it were exported, possibly while the sender thread exports the next batch. The default does
     * nothing.
     *
     * @return {@link ExportResult#success()}, or why not (then the client's flush reports failure)
     */
    default ExportResult flush() {
        return ExportResult.success();
    }

    /**
     * Stops the exporter: abandons an export still in progress once {@code deadline} has passed, and releases its
     * resources. The client calls it once, when it closes: after its last export; or, when {@code close()} runs out
     * of time while this exporter is still exporting, at once from the closing thread with a zero deadline, so that
     * the stuck export ends. The default calls {@link #close()}.
     *
     * @param deadline how long the exporter may still take; zero means abandon work in progress now
     * @return {@link ExportResult#success()}, or what was abandoned
     */
    default ExportResult shutdown(Duration deadline) {
        close();
        return ExportResult.success();
    }

    /** Releases the exporter's resources; what {@link #shutdown(Duration)} does unless it is overridden. */
    @Override
    default void close() {
    }
}
