package com.insidellm;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run an {@link InsideLlmTracker} records into, from start to end: started when the tracker is created, its
 * context current on the creating thread from then on, ended once (the first end counts) with that context restored.
 * Apart from the tracker because it is the run's life cycle, not its recording. Thread-safe.
 */
final class TrackerRun {

    /** The tracker's logger: its name is the one users turn on. */
    private static final Logger log = LoggerFactory.getLogger(InsideLlmTracker.class);

    private final InsideLlmClient client;
    private final boolean recording;
    private final String runId;
    private final InsideLlmContext context;
    private final InsideLlmContext.@Nullable Scope scope;
    private final Thread owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Starts the run and, when the client records, makes its context current on this thread. */
    TrackerRun(InsideLlmClient client, boolean recording, String userId, @Nullable Map<String, ?> metadata) {
        this.client = client;
        this.recording = recording;
        this.runId = client.startRun(null, userId, metadata);
        this.context = InsideLlmContext.of(runId, userId);
        this.owner = Thread.currentThread();
        this.scope = recording ? context.makeCurrent() : null;
    }

    String runId() {
        return runId;
    }

    /** The run's top-level context (no parent event). */
    InsideLlmContext context() {
        return context;
    }

    /**
     * The context to continue this run elsewhere: the current thread's context if it belongs to this run (so it
     * carries the innermost wrapper's event as parent), else the run's top-level context.
     */
    InsideLlmContext current() {
        InsideLlmContext current = InsideLlmContext.current();
        return current != null && current.runId().equals(runId) ? current : context;
    }

    boolean closed() {
        return closed.get();
    }

    /**
     * Ends the run once ({@code run.end} with {@code exitReason}) and restores the context that was current before it
     * started, if this is the thread that started it.
     */
    void end(String exitReason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (scope != null) {
            if (Thread.currentThread() == owner) {
                scope.close();
            } else {
                log.debug("InsideLLM tracker for run {} closed on another thread than the one that created it; its "
                        + "context stays current there until that thread's scope ends", runId);
            }
        }
        if (recording) {
            client.endRun(runId, exitReason);
        }
    }
}
