package com.insidellm.internal;

import com.insidellm.ClientStats;
import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.InsideLlmClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real client, as {@link InsideLlmClient.Builder#build()} makes it: a lock-free bounded {@link EventQueue} in
 * front of two lazily started threads. The {@link Flusher} takes events off the queue, processes, serialises and
 * batches them; the {@link Sender} delivers each batch to the {@link Destinations}. This class accepts events on the
 * callers' threads and answers flush, close and stats. See {@link InsideLlmClient} for the guarantees. Internal;
 * thread-safe.
 */
public final class BatchingClient implements InsideLlmClient {

    private static final Logger log = LoggerFactory.getLogger(BatchingClient.class);
    /** The {@code exit_reason} of the {@code run.end} that close() sends for each run left open. */
    static final String CLIENT_CLOSED = "client_closed";

    private final Settings settings;
    private final Accounting accounting;
    private final Progress progress = new Progress();
    private final EventQueue queue;
    private final RunRegistry runs;
    private final Lifecycle lifecycle;
    private final Destinations destinations;
    private final Flusher flusher;

    /**
     * A client delivering to {@code exporters} (the built-in ones first, then the application's).
     * {@code prepareAhead} runs on every batch on the flusher thread before the sender gets it (the HTTP exporter
     * compresses it there, while the previous batch is being sent).
     */
    public BatchingClient(Settings settings, List<EventExporter> exporters, Consumer<EventBatch> prepareAhead) {
        this.settings = settings;
        Listeners listeners = new Listeners(settings.listeners);
        this.accounting = new Accounting(listeners, settings.strict);
        this.queue = new EventQueue(settings.maxQueueSize, settings.maxQueueBytes, settings.dropPolicy, accounting,
                progress);
        this.runs = new RunRegistry(settings.strict, settings.redaction, accounting);
        this.lifecycle = new Lifecycle(settings.sleeper);
        this.destinations = new Destinations(exporters, prepareAhead, settings, accounting, progress, lifecycle,
                listeners, outbox(settings, exporters, accounting));
        EventPipeline pipeline = new EventPipeline(settings.cost, settings.processors, settings.maxEventBytes, runs,
                accounting, listeners);
        this.flusher = new Flusher(settings, queue, pipeline, destinations, accounting, progress, lifecycle);
        if (settings.shutdownHook) {
            lifecycle.addShutdownHook(() -> close(settings.closeTimeout));
        }
        if (destinations.hasOutboxWork()) {
            // A previous process left batches: deliver them now, not only once this one logs an event.
            flusher.startForOutbox();
        }
    }

    /**
     * The disk outbox of the InsideLLM API destination (the first exporter), when one is configured and there is
     * an API destination; fails fast when its directory cannot be used.
     */
    private static @Nullable OutboxSender outbox(Settings settings, List<EventExporter> exporters,
            Accounting accounting) {
        if (settings.outboxDirectory == null) {
            return null;
        }
        if (settings.localMode || settings.apiKey == null || exporters.isEmpty()) {
            log.warn("InsideLLM: the outbox ({}) is only used for the InsideLLM API; ignored without an API key or in"
                    + " local mode", settings.outboxDirectory);
            return null;
        }
        try {
            Outbox outbox = new Outbox(settings.outboxDirectory, settings.outboxMaxBytes, settings.outboxMaxAge,
                    settings.clock, accounting::drop);
            // Files of up to 20 batches (one request each when delivered), within the request size limit.
            return new OutboxSender(outbox, settings.initialBackoff, settings.maxBackoff,
                    Math.min(10_000, settings.batchSize * 20),
                    Math.max(1024, Math.min(settings.maxBatchBytes, settings.outboxMaxBytes / 4)), System::nanoTime,
                    accounting::lost);
        } catch (IOException e) {
            throw new IllegalArgumentException("outbox directory " + settings.outboxDirectory + " cannot be used: "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- recording (caller threads)

    @Override
    public boolean logEvent(Event event) {
        if (event == null) {
            return accounting.refuse(DropReason.INVALID_EVENT, "event is null");
        }
        if (lifecycle.isClosed()) {
            return accounting.refuse(DropReason.CLIENT_CLOSED, "the client is closed");
        }
        long seq = queue.offer(event);
        if (seq == EventQueue.OVER_BYTES) {
            return accounting.refuse(DropReason.QUEUE_FULL, "the queue is at its byte limit");
        }
        if (seq < 0) {
            return accounting.refuse(DropReason.QUEUE_FULL, "the queue is full");
        }
        accounting.queued();
        Thread thread = flusher.thread();
        if (thread == null) {
            thread = flusher.start();
        }
        if ((seq + 1) % settings.batchSize == 0) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * Whether the flusher is behind: two batches or more wait in the queue (the backend is slow or down, or callers
     * outrun it). Then an event whose payload is described later ({@code Event.Builder#payloadLater}) is described
     * before it is queued, so that the queue's byte bound counts its real size rather than its rough estimate: while
     * the flusher keeps up, at most two batches' worth of such events hold more memory than the bound counts.
     */
    public boolean backlogged() {
        return queue.size() >= 2L * settings.batchSize;
    }

    @Override
    public void reportInvalidEvent(RuntimeException cause) {
        if (settings.strict && cause instanceof IllegalArgumentException) {
            throw cause;
        }
        accounting.refuse(DropReason.INVALID_EVENT, cause.toString());
    }

    @Override
    public String startRun(String userId) {
        return startRun(null, userId, null);
    }

    @Override
    public String startRun(@Nullable String runId, String userId, @Nullable Map<String, ?> metadata) {
        String id = runId == null ? Ids.randomUuid() : runId;
        Event start = runs.start(id, userId, metadata);
        if (start == null) {
            return id;
        }
        logEvent(start);
        return start.runId();
    }

    @Override
    public void endRun(String runId) {
        endRun(runId, null);
    }

    @Override
    public void endRun(String runId, @Nullable String exitReason) {
        Event end = runs.end(runId, exitReason);
        if (end != null) {
            logEvent(end);
        }
    }

    // ---------------------------------------------------------------- flushing and lifecycle

    @Override
    public boolean flush(Duration timeout) {
        if (flusher.isOwnThread(Thread.currentThread())) {
            return false;
        }
        long target = queue.producedCount();
        long start = progress.completed();
        if (start < target) {
            progress.requestFlush();
            flusher.wake();
            if (!progress.await(target, start, System.nanoTime() + timeout.toNanos())) {
                return false;
            }
        }
        // Exported is not yet durable for every exporter (open files): ask them, as OpenTelemetry's forceFlush does;
        // once the client has terminated they were shut down, which made everything durable.
        return progress.isTerminated() || destinations.flush();
    }

    @Override
    public void close() {
        close(settings.closeTimeout);
    }

    @Override
    public void close(Duration timeout) {
        if (!lifecycle.isClosed()) {
            // Every run this client started ends, before the final delivery: a run nobody ended would show as open
            // for ever. endAll marks each run once, so a second close() (or the shutdown hook) adds nothing.
            for (Event end : runs.endAll(CLIENT_CLOSED)) {
                logEvent(end);
            }
        }
        if (!lifecycle.close(timeout)) {
            awaitTermination(timeout);
            return;
        }
        Thread thread = flusher.threadForClose();
        if (thread != null) {
            LockSupport.unpark(thread);
            lifecycle.wakeBackoffs();
            awaitTermination(timeout.plusMillis(200));
            if (thread.isAlive()) {
                // Out of time with a request still in flight (a server that accepts but never answers would hold
                // the flusher for the whole request timeout): cancel it so the flusher can count what is left and end.
                destinations.abandonExports();
                LockSupport.unpark(thread);
                awaitTermination(Duration.ofMillis(500));
            }
            if (thread.isAlive()) {
                log.warn("InsideLLM: close() timed out after {} ms with a delivery still in progress",
                        timeout.toMillis());
            }
        } else {
            flusher.finishTermination();
        }
        lifecycle.removeShutdownHook();
    }

    private void awaitTermination(Duration timeout) {
        Thread thread = flusher.thread();
        if (thread == null || flusher.isOwnThread(Thread.currentThread())) {
            return;
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- figures

    @Override
    public ClientStats stats() {
        return accounting.stats(queue.size(), settings.maxQueueSize, destinations.outboxEvents(), isHealthy());
    }

    @Override
    public boolean isHealthy() {
        return destinations.isHealthy();
    }

    @Override
    public Map<String, String> circuitStates() {
        return destinations.circuitStates();
    }

    /** Runs whose state the client still holds, for tests. */
    public int openRuns() {
        return runs.size();
    }

    @Override
    public String toString() {
        return "InsideLlmClient{exporters=" + destinations.names() + "}";
    }
}
