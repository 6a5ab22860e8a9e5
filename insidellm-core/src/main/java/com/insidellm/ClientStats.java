package com.insidellm;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a client's delivery figures, as returned by {@link InsideLlmClient#stats()}.
 *
 * @param eventsQueued events accepted into the queue
 * @param eventsSent events the backend acknowledged
 * @param eventsFailed events the backend did not accept after all retries, or rejected
 * @param eventsDropped events never sent, by any {@link DropReason}
 * @param queueSize events waiting in the queue now
 * @param queueCapacity the most events the queue holds ({@code maxQueueSize}; 0 for the no-op client)
 * @param outboxSize events waiting in the disk outbox (written there, or gathered to be written, and not yet
 *     delivered), including batches other processes left in the same directory as of the outbox's last look at it
 *     (at most 10 s old); 0 without an outbox
 * @param droppedByReason {@code eventsDropped} split by reason (every reason present, zero included)
 * @param batchesSent batches the backend acknowledged
 * @param batchesFailed batches given up on
 * @param retries retried requests
 * @param lastError the last delivery error, or {@code null} (never contains the API key)
 * @param healthy whether the last delivery worked and the circuit breaker is closed
 */
public record ClientStats(long eventsQueued, long eventsSent, long eventsFailed, long eventsDropped, int queueSize,
        int queueCapacity, long outboxSize, Map<DropReason, Long> droppedByReason, long batchesSent,
        long batchesFailed, long retries, @Nullable String lastError, boolean healthy) {

    /** Creates a snapshot; {@code droppedByReason} is copied. */
    public ClientStats {
        droppedByReason = Map.copyOf(droppedByReason);
    }

    /**
     * A snapshot without a disk outbox ({@code outboxSize} 0): the constructor from before {@code outboxSize}
     * existed, kept for code that builds stats itself (fakes, tests).
     */
    public ClientStats(long eventsQueued, long eventsSent, long eventsFailed, long eventsDropped, int queueSize,
            int queueCapacity, Map<DropReason, Long> droppedByReason, long batchesSent, long batchesFailed,
            long retries, @Nullable String lastError, boolean healthy) {
        this(eventsQueued, eventsSent, eventsFailed, eventsDropped, queueSize, queueCapacity, 0, droppedByReason,
                batchesSent, batchesFailed, retries, lastError, healthy);
    }

    /**
     * The share of finished deliveries that succeeded, in percent (as the Python SDK reports it): {@code 100 * sent
     * / (sent + failed)}, or 100 when nothing was delivered yet.
     */
    public double successRate() {
        long done = eventsSent + eventsFailed;
        return done == 0 ? 100.0 : 100.0 * eventsSent / done;
    }

    /** The number of events dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return droppedByReason.getOrDefault(reason, 0L);
    }
}
