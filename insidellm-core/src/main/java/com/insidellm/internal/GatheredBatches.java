package com.insidellm.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches an {@link OutboxSender} gathers in memory to write to the outbox as one file: up to a file's limits in
 * events and bytes, or until they waited {@link #LINGER_NANOS}. One forced write per file costs milliseconds, and
 * writing every 50-event batch alone capped spooling at ~4,000 events/s on a loaded 2-core machine. Internal. Not
 * thread-safe: used under the sender's lock.
 */
final class GatheredBatches {

    /** How long gathered batches may wait in memory while the sender is idle before they are written. */
    static final long LINGER_NANOS = Duration.ofMillis(100).toNanos();

    private final int maxEvents;
    private final long maxBytes;
    private final List<byte[]> events = new ArrayList<>();
    private long bytes;
    private long sinceNanos;

    /** Gathers files of at most {@code maxEvents} events and {@code maxBytes} bytes of JSON. */
    GatheredBatches(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Bytes {@code batch} takes in a file (each event and its newline). */
    static long bytes(List<byte[]> batch) {
        long total = 0;
        for (byte[] event : batch) {
            total += event.length + 1;
        }
        return total;
    }

    /** Whether adding {@code count} events of {@code batchBytes} would pass the limits: write what is here first. */
    boolean wouldOverflow(int count, long batchBytes) {
        return !events.isEmpty() && (events.size() + count > maxEvents || bytes + batchBytes > maxBytes);
    }

    /** Adds a batch; the linger time starts with the first batch gathered. */
    void add(List<byte[]> batch, long batchBytes, long nowNanos) {
        if (events.isEmpty()) {
            sinceNanos = nowNanos;
        }
        events.addAll(batch);
        bytes += batchBytes;
    }

    /** Whether what is gathered fills a file. */
    boolean isFull() {
        return events.size() >= maxEvents || bytes >= maxBytes;
    }

    /** Takes everything gathered, leaving this empty. */
    List<byte[]> take() {
        List<byte[]> taken = new ArrayList<>(events);
        events.clear();
        bytes = 0;
        return taken;
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    int size() {
        return events.size();
    }

    /** Nanoseconds until what is gathered must be written, {@link Long#MAX_VALUE} if nothing is. */
    long nanosUntilLingered(long nowNanos) {
        return events.isEmpty() ? Long.MAX_VALUE : Math.max(0, sinceNanos + LINGER_NANOS - nowNanos);
    }
}
