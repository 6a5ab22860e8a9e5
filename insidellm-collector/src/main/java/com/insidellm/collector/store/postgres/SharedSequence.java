package com.insidellm.collector.store.postgres;

import java.util.concurrent.TimeUnit;

/**
 * The highest sequence number this instance knows to be committed in the shared database, and a way to wait for it to
 * move. It only moves forward, whoever reports: this instance's commits, the fan-out's news of other instances'
 * commits (which may arrive late or out of order), and polling. Internal. Thread-safe.
 */
final class SharedSequence {

    private final Object lock = new Object();
    private long known;
    private boolean closed;

    SharedSequence(long known) {
        this.known = known;
    }

    long known() {
        synchronized (lock) {
            return known;
        }
    }

    /** Raises the known sequence to {@code seq} if that is newer, waking the waiters. */
    void advanceTo(long seq) {
        synchronized (lock) {
            if (seq > known) {
                known = seq;
                lock.notifyAll();
            }
        }
    }

    /** Waits until the known sequence passes {@code seq}, the timeout ends or this closes; returns it. */
    long awaitAbove(long seq, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            long waitMillis;
            while (known <= seq && !closed && (waitMillis = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) > 0) {
                lock.wait(waitMillis);
            }
            return known;
        }
    }

    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
