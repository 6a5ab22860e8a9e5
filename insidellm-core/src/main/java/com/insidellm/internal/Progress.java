package com.insidellm.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Flush watermarks, in queue sequence numbers: up to where every event is settled (sent, dropped or given up on),
 * the last event that was not delivered, and whether a {@code flush()} is waiting. {@code flush()} waits here for the
 * flusher and sender to settle what it asked for. Internal; thread-safe.
 */
final class Progress {

    private final Object monitor = new Object();
    private volatile long completed;
    /** The highest queue sequence number of an event that was consumed but not delivered. */
    private final AtomicLong lastUndeliveredSeq = new AtomicLong(-1);
    private volatile boolean flushRequested;
    private volatile boolean terminated;

    /** Every event below this sequence number is settled. */
    long completed() {
        return completed;
    }

    void noteUndelivered(long seq) {
        lastUndeliveredSeq.accumulateAndGet(seq, Math::max);
    }

    void advance(long watermark) {
        synchronized (monitor) {
            if (watermark > completed) {
                completed = watermark;
            }
            monitor.notifyAll();
        }
    }

    void requestFlush() {
        flushRequested = true;
    }

    boolean flushRequested() {
        return flushRequested;
    }

    void clearFlushRequest() {
        flushRequested = false;
    }

    boolean isTerminated() {
        return terminated;
    }

    /** The client's threads have ended: everything consumed is settled, and waiting flushes return. */
    void terminate(long consumed) {
        terminated = true;
        completed = consumed;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /**
     * Waits until everything below {@code target} is settled, the deadline passes or the client terminates.
     *
     * @return whether it was settled and every event from {@code start} on was delivered
     */
    boolean await(long target, long start, long deadlineNanos) {
        synchronized (monitor) {
            while (completed < target) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0 || terminated) {
                    break;
                }
                try {
                    monitor.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return completed >= target && lastUndeliveredSeq.get() < start;
    }
}
