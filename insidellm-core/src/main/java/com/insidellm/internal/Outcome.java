package com.insidellm.internal;

import org.jspecify.annotations.Nullable;

/**
 * What became of each event of one batch, across its destinations: a code per event (the worst across exporters
 * wins), the last failure message, and the retries it took. Internal; used by one sender thread at a time.
 */
final class Outcome {

    /** Per-event outcome codes, in increasing order of badness. */
    static final byte DELIVERED = 0;
    static final byte TOO_LARGE = 1;
    static final byte FAILED = 2;
    static final byte SHUTDOWN = 3;

    final byte[] status;
    @Nullable String failure;
    int retries;

    Outcome(int size) {
        this.status = new byte[size];
    }

    void mark(int from, int to, byte code) {
        for (int i = from; i < to; i++) {
            status[i] = (byte) Math.max(status[i], code);
        }
    }

    /** Takes in another destination's outcome for the same batch: the worse code of each event wins. */
    void merge(Outcome other) {
        for (int i = 0; i < status.length; i++) {
            status[i] = (byte) Math.max(status[i], other.status[i]);
        }
        retries += other.retries;
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
