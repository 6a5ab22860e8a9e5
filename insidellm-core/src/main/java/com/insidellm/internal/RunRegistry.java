package com.insidellm.internal;

import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmException;
import com.insidellm.Payload;
import com.insidellm.internal.processing.RedactionProcessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs a client has open: who started each and when (for {@code run.end}'s duration) and the run metadata merged
 * into every event of the run when it is serialised. A run's state goes when its {@code run.end} is serialised or
 * filtered out, or, beyond {@value #MAX_OPEN_RUNS} open runs, oldest first. Internal; thread-safe.
 */
final class RunRegistry {

    private static final Logger log = LoggerFactory.getLogger(RunRegistry.class);
    /** Runs whose run.end never came are forgotten beyond this many, oldest first. */
    static final int MAX_OPEN_RUNS = 100_000;

    private final Map<String, RunState> runs = new ConcurrentHashMap<>();
    private final boolean strict;
    private final @Nullable RedactionProcessor redaction;
    private final Accounting accounting;

    RunRegistry(boolean strict, @Nullable RedactionProcessor redaction, Accounting accounting) {
        this.strict = strict;
        this.redaction = redaction;
        this.accounting = accounting;
    }

    /**
     * Opens a run and returns its {@code run.start} event, or {@code null} when it cannot be built (counted as
     * invalid; thrown in strict mode).
     */
    @Nullable Event start(String id, String userId, @Nullable Map<String, ?> metadata) {
        Event start;
        try {
            start = Event.builder(EventType.RUN_START).runId(id).userId(userId)
                    .payload(new Payload.RunStart(id, null, metadata == null || metadata.isEmpty() ? null : metadata))
                    .build();
        } catch (RuntimeException e) {
            if (strict) {
                throw e;
            }
            accounting.refuse(DropReason.INVALID_EVENT, "run.start: " + e.getMessage());
            return null;
        }
        Map<String, Object> flat = null;
        if (metadata != null && !metadata.isEmpty()) {
            // Validate and flatten through the event builder's rules, once, on start.
            Event.Builder probe = Event.builder(EventType.CUSTOM_EVENT).runId(id).userId(userId)
                    .payload(new Payload.Custom("metadata", null));
            try {
                probe.metadata(metadata);
                flat = probe.build().metadata();
                if (flat != null && redaction != null) {
                    // Run metadata is merged into every event at serialisation, after the processors: redact it once.
                    flat = redaction.redactMetadata(flat);
                }
            } catch (RuntimeException e) {
                if (strict) {
                    throw e;
                }
                log.debug("Run metadata ignored: {}", e.getMessage());
            }
        }
        if (runs.size() >= MAX_OPEN_RUNS) {
            forgetOldestRun();
        }
        runs.put(start.runId(), new RunState(userId, System.nanoTime(), flat));
        return start;
    }

    private void forgetOldestRun() {
        String oldest = null;
        long oldestStart = Long.MAX_VALUE;
        for (Map.Entry<String, RunState> entry : runs.entrySet()) {
            if (entry.getValue().startNanos < oldestStart) {
                oldestStart = entry.getValue().startNanos;
                oldest = entry.getKey();
            }
        }
        if (oldest != null) {
            runs.remove(oldest);
            log.debug("More than {} runs open at once; forgot the oldest one", MAX_OPEN_RUNS);
        }
    }

    /**
     * Marks a run ended and returns its {@code run.end} event, or {@code null} for an unknown or already ended run
     * (thrown in strict mode).
     */
    @Nullable Event end(@Nullable String runId, @Nullable String exitReason) {
        String id = runId == null ? null : Ids.canonicalUuidOrNull(runId);
        RunState state = id == null ? null : runs.get(id);
        if (state == null || !state.markEnded()) {
            if (strict) {
                throw new InsideLlmException("endRun: no open run with id " + runId);
            }
            log.debug("endRun for an unknown or already ended run {}", runId);
            return null;
        }
        return runEnd(id, state, exitReason);
    }

    private static Event runEnd(String id, RunState state, @Nullable String exitReason) {
        long durationMs = (System.nanoTime() - state.startNanos) / 1_000_000;
        return Event.builder(EventType.RUN_END).runId(id).userId(state.userId)
                .payload(new Payload.RunEnd(id, durationMs, null, exitReason)).build();
    }

    /**
     * Ends every run that was started and not ended, returning their {@code run.end} events with
     * {@code exitReason} and each run's duration, oldest first. Called once, as the client closes.
     */
    List<Event> endAll(String exitReason) {
        List<Map.Entry<String, RunState>> open = new ArrayList<>();
        for (Map.Entry<String, RunState> entry : runs.entrySet()) {
            if (entry.getValue().markEnded()) {
                open.add(entry);
            }
        }
        open.sort(Comparator.comparingLong(e -> e.getValue().startNanos));
        List<Event> ends = new ArrayList<>(open.size());
        for (Map.Entry<String, RunState> entry : open) {
            ends.add(runEnd(entry.getKey(), entry.getValue(), exitReason));
        }
        return ends;
    }

    /** The run metadata to merge into an event of {@code runId}, or {@code null}. */
    @Nullable Map<String, Object> metadata(String runId) {
        RunState run = runs.get(runId);
        return run == null ? null : run.metadata;
    }

    /** Forgets a run: its run.end was serialised (every earlier event of the run was, too) or filtered out. */
    void forget(String runId) {
        runs.remove(runId);
    }

    int size() {
        return runs.size();
    }

    /** What the client remembers about an open run. */
    private static final class RunState {
        final String userId;
        final long startNanos;
        final @Nullable Map<String, Object> metadata;
        private final AtomicBoolean ended = new AtomicBoolean();

        RunState(String userId, long startNanos, @Nullable Map<String, Object> metadata) {
            this.userId = userId;
            this.startNanos = startNanos;
            this.metadata = metadata;
        }

        /** Marks the run ended; false if it was already (endRun and close() may race). */
        boolean markEnded() {
            return ended.compareAndSet(false, true);
        }
    }
}
