package com.insidellm.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.jspecify.annotations.Nullable;

/**
 * CPU time of one thread over an interval. On a machine shared with other work, a thread's CPU time says what the
 * work costs even when wall-clock time does not (it excludes time spent waiting for a core).
 */
final class CpuMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private @Nullable Thread thread;
    private long startNanos;
    private long total;

    /** The first live thread whose name starts with {@code prefix}, or {@code null}. */
    static @Nullable Thread threadNamed(String prefix) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                return t;
            }
        }
        return null;
    }

    void start(@Nullable Thread measured) {
        thread = measured;
        startNanos = measured == null ? 0 : Math.max(0, THREADS.getThreadCpuTime(measured.getId()));
    }

    /** The CPU time used since {@link #start}, or 0 when there was no thread to measure. */
    long stop() {
        Thread measured = thread;
        if (measured == null) {
            return 0;
        }
        long now = THREADS.getThreadCpuTime(measured.getId());
        return now < 0 ? 0 : now - startNanos;
    }

    void add(long nanos) {
        total += nanos;
    }

    long total() {
        return total;
    }
}
