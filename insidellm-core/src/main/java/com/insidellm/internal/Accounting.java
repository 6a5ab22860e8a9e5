package com.insidellm.internal;

import com.insidellm.ClientStats;
import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.InsideLlmException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's counters (queued, sent, failed, dropped by reason, batches, retries, last error), what the
 * {@link Listeners} hear of them, and the throttled warnings that aggregate drops and failures. Counting is
 * thread-safe; {@link #reportDrops} and {@link #noteFailure} are called by the client's own threads. Internal.
 */
final class Accounting {

    private static final Logger log = LoggerFactory.getLogger(BatchingClient.class);
    private static final long REPORT_INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();

    private final Listeners listeners;
    private final boolean strict;
    private final LongAdder queued = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong batchesFailed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile @Nullable String lastError;
    /** The reason of the last event refused on its own, for the aggregated drop warning. */
    private volatile @Nullable String lastRejection;
    private final long[] reportedToListener = new long[DropReason.values().length];
    private final long[] reportedToLog = new long[DropReason.values().length];
    private long lastDropLogNanos;
    private long lastFailureLogNanos;
    private long failuresSinceLog;

    Accounting(Listeners listeners, boolean strict) {
        this.listeners = listeners;
        this.strict = strict;
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    void queued() {
        queued.increment();
    }

    void drop(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    void drop(DropReason reason, long count) {
        dropped[reason.ordinal()].add(count);
    }

    void drop(DropReason reason, Event event, @Nullable String why) {
        dropped[reason.ordinal()].increment();
        // The message names the event, never its content.
        log.debug("Dropped {} ({}): {}", event, reason, why);
    }

    /** Counts an event refused on the caller's thread; throws in strict mode. Returns false, for the caller. */
    boolean refuse(DropReason reason, String why) {
        dropped[reason.ordinal()].increment();
        if (strict) {
            throw new InsideLlmException("InsideLLM did not accept the event: " + why + " (" + reason + ")");
        }
        log.debug("Dropped an event: {}", why);
        return false;
    }

    /**
     * Counts an event the destination refused on its own as dropped ({@link DropReason#REJECTED}), makes its reason
     * the last error, and tells the listener at once, with the reason. Called by the sender.
     */
    void rejected(Event event, String reason) {
        dropped[DropReason.REJECTED.ordinal()].increment();
        lastError = "rejected " + event + ": " + reason;
        lastRejection = reason;
        log.debug("Dropped {} (rejected): {}", event, reason);
        if (!listeners.isEmpty()) {
            listeners.dropped(DropReason.REJECTED, List.of(event), reason);
        }
    }

    /** Events the client held and lost without an answer (the outbox could not write them), counted as failed. */
    void lost(int events, String reason) {
        failed.addAndGet(events);
        lastError = reason;
        noteFailure(events, reason);
    }

    void lastError(String error) {
        lastError = error;
    }

    /** A batch was given up on without an answer (the sender was interrupted). */
    void interrupted(int events) {
        failed.addAndGet(events);
        lastError = "delivery interrupted";
    }

    void retries(int count) {
        retries.addAndGet(count);
    }

    /** Counts the outcome of one batch and tells the listener; {@code bad} excludes events counted as drops. */
    void settled(int batchSize, List<Event> ok, List<Event> bad, @Nullable String failure) {
        sent.addAndGet(ok.size());
        if (ok.size() == batchSize) {
            batchesSent.incrementAndGet();
        } else {
            batchesFailed.incrementAndGet();
            if (failure != null) {
                lastError = failure;
            }
            failed.addAndGet(bad.size());
            if (!bad.isEmpty()) {
                // Events cut off by close() are reported as shutdown_timeout drops, not as delivery failures.
                noteFailure(bad.size(), failure);
            }
        }
        if (!ok.isEmpty() && !listeners.isEmpty()) {
            listeners.delivered(List.copyOf(ok));
        }
        if (!bad.isEmpty() && !listeners.isEmpty()) {
            listeners.failed(List.copyOf(bad), String.valueOf(failure));
        }
    }

    private void noteFailure(int events, @Nullable String failure) {
        failuresSinceLog += events;
        long now = System.nanoTime();
        if (lastFailureLogNanos == 0 || now - lastFailureLogNanos >= REPORT_INTERVAL_NANOS) {
            log.warn("InsideLLM: could not deliver {} events since last report; last error: {}", failuresSinceLog,
                    failure);
            lastFailureLogNanos = now;
            failuresSinceLog = 0;
        }
    }

    /** Tells the listener about new drops, and logs them aggregated at most every 30 s. Called by the flusher. */
    void reportDrops(long now) {
        boolean logNow = lastDropLogNanos == 0 || now - lastDropLogNanos >= REPORT_INTERVAL_NANOS;
        StringBuilder summary = null;
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            long count = dropped[reason.ordinal()].sum();
            long delta = count - reportedToListener[reason.ordinal()];
            // Rejected events were reported one by one, with their reason, as they were rejected.
            if (delta > 0 && reason != DropReason.REJECTED) {
                reportedToListener[reason.ordinal()] = count;
                listeners.dropped(reason, delta);
            }
            long sinceLog = count - reportedToLog[reason.ordinal()];
            if (logNow && sinceLog > 0 && reason != DropReason.FILTERED) {
                reportedToLog[reason.ordinal()] = count;
                summary = (summary == null ? new StringBuilder() : summary.append(", "))
                        .append(sinceLog).append(' ').append(reason);
                total += sinceLog;
            }
        }
        if (summary != null) {
            lastDropLogNanos = now;
            String rejection = lastRejection;
            log.warn("InsideLLM: dropped {} events since last report: {}{}", total, summary,
                    rejection != null && summary.indexOf(DropReason.REJECTED.tag()) >= 0
                            ? " (last rejection: " + rejection + ")" : "");
        }
    }

    /** A snapshot of the counters. */
    ClientStats stats(int queueSize, int queueCapacity, long outboxSize, boolean healthy) {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            long count = dropped[reason.ordinal()].sum();
            byReason.put(reason, count);
            total += count;
        }
        return new ClientStats(queued.sum(), sent.get(), failed.get(), total, queueSize, queueCapacity, outboxSize,
                byReason, batchesSent.get(), batchesFailed.get(), retries.get(), lastError, healthy);
    }
}
