package com.insidellm.collector.store.sqlite;

import java.util.concurrent.TimeUnit;

/** The highest committed sequence number, and a way to wait for it to move (the live tail). Internal. Thread-safe. */
final class LiveSequence {

    private final Object lock = new Object();
    private long committed;
    private boolean closed;

    LiveSequence(long committed) {
        this.committed = committed;
    }

    long committed() {
        synchronized (lock) {
            return committed;
        }
    }

    void committed(long seq) {
        synchronized (lock) {
            committed = seq;
            lock.notifyAll();
        }
    }

    long awaitNewerThan(long seq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            while (committed <= seq && !closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
            return committed;
        }
    }

    /** Wakes every waiter for good. */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
