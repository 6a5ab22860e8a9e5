package com.insidellm.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What became of each event of one batch, across its destinations: a code per event (the worst across exporters
 * wins), the reason for each event the destination refused on its own, the last failure message, and the retries
 * it took. Internal; used by one sender thread at a time.
 */
final class Outcome {

    /** Per-event outcome codes, in increasing order of badness. */
    static final byte DELIVERED = 0;
    /** Not delivered now, written to the disk outbox: delivered later, counted then. */
    static final byte SPOOLED = 1;
    static final byte TOO_LARGE = 2;
    /** The destination refused this event on its own as invalid: dropped, never retried. */
    static final byte REJECTED = 3;
    /** The destination could not be reached (retries exhausted, circuit open): the outbox may keep it. */
    static final byte UNAVAILABLE = 4;
    /** The destination refused the whole batch (401, 403, 404...): given up on. */
    static final byte FAILED = 5;
    static final byte SHUTDOWN = 6;

    final byte[] status;
    /** The destination's reason for each {@link #REJECTED} event; allocated on the first one. */
    private @Nullable String @Nullable [] reasons;
    @Nullable String failure;
    int retries;
    /** The longest wait a destination asked for ({@code Retry-After}) before the undelivered events are tried again. */
    @Nullable Duration serverWait;

    Outcome(int size) {
        this.status = new byte[size];
    }

    void mark(int from, int to, byte code) {
        for (int i = from; i < to; i++) {
            status[i] = (byte) Math.max(status[i], code);
        }
    }

    /** Sets the code of the event at {@code index}, whatever it was (the outbox took an undelivered event). */
    void set(int index, byte code) {
        status[index] = code;
    }

    /** Marks the event at {@code index} refused on its own, for {@code reason}. */
    void reject(int index, String reason) {
        mark(index, index + 1, REJECTED);
        if (reasons == null) {
            reasons = new String[status.length];
        }
        reasons[index] = reason;
    }

    /** Why the event at {@code index} was refused, if it was. */
    @Nullable String reason(int index) {
        return reasons == null ? null : reasons[index];
    }

    /** Notes a destination's requested wait; the longest one asked for wins. */
    void serverWait(@Nullable Duration wait) {
        if (wait != null && (serverWait == null || wait.compareTo(serverWait) > 0)) {
            serverWait = wait;
        }
    }

    /** Takes in another destination's outcome for the same batch: the worse code of each event wins. */
    void merge(Outcome other) {
        for (int i = 0; i < status.length; i++) {
            status[i] = (byte) Math.max(status[i], other.status[i]);
            String reason = other.reason(i);
            if (reason != null && reason(i) == null) {
                reject(i, reason);
            }
        }
        retries += other.retries;
        serverWait(other.serverWait);
    }

    boolean allDelivered() {
        for (byte b : status) {
            if (b != DELIVERED) {
                return false;
            }
        }
        return true;
    }
}
