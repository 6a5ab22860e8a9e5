package com.insidellm.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import org.jspecify.annotations.Nullable;

/**
 * CPU time of one or more threads over an interval. On a machine shared with other work, a thread's CPU time says what the
 * work costs even when wall-clock time does not (it excludes time spent waiting for a core).
 */
final class CpuMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Thread[] threads = new Thread[0];
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

    /**
     * CPU time so far of the live threads whose names start with {@code prefix} (for the collector: {@code insidellm-}
     * for all of its threads: HTTP, gateway, recorder, store writer).
     */
    static long cpuNanosOfThreads(String prefix) {
        ThreadMXBean mx = THREADS;
        long total = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long cpu = mx.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }

    /**
     * Bytes allocated so far by the live threads whose names start with {@code prefix}: unlike CPU time, not
     * inflated by other processes on a shared machine, so before/after runs compare even under load.
     */
    static long allocatedBytesOfThreads(String prefix) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                total += Math.max(0, mx.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return total;
    }

    /** Starts measuring the given threads together; {@code null}s are skipped. */
    void start(@Nullable Thread... measured) {
        threads = java.util.Arrays.stream(measured).filter(java.util.Objects::nonNull).toArray(Thread[]::new);
        startNanos = cpuNow();
    }

    /** The CPU time the threads used since {@link #start}, or 0 when there was no thread to measure. */
    long stop() {
        return threads.length == 0 ? 0 : Math.max(0, cpuNow() - startNanos);
    }

    private long cpuNow() {
        long sum = 0;
        for (Thread t : threads) {
            sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    void add(long nanos) {
        total += nanos;
    }

    long total() {
        return total;
    }
}
