package com.insidellm.benchmarks;

import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The measurement of {@link WrapperOverhead} and {@link SpringAiOverhead}: variants of a call alternated in bursts on
 * one thread of one JVM, timed by the thread's CPU time. On a machine shared with other work the load changes from
 * second to second; alternating exposes every variant to the same load, which separate JMH forks do not.
 */
final class CpuBursts {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int BURST = 200;
    private static final int WARM_UP_ROUNDS = 30;
    private static volatile Object sink;

    private CpuBursts() {
    }

    /**
     * CPU nanoseconds per call of each of {@code calls} in each of {@code rounds} measured rounds (after warm-up
     * rounds), inside an InsideLLM run when {@code inRun}. {@code client} is flushed between bursts, outside the
     * measurement, so that its queue never fills (as in the JMH benchmarks).
     */
    static long[][] measure(Supplier<?>[] calls, int rounds, boolean inRun, InsideLlmClient client) {
        long[][] nanos = new long[calls.length][rounds];
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
            for (int c = 0; c < calls.length; c++) {
                long start = THREADS.getCurrentThreadCpuTime();
                try (InsideLlmContext.Scope ignored = inRun
                        ? InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID).makeCurrent() : null) {
                    for (int i = 0; i < BURST; i++) {
                        sink = calls[c].get();
                    }
                }
                long used = THREADS.getCurrentThreadCpuTime() - start;
                client.flush(Duration.ofSeconds(30));
                if (round >= 0) {
                    nanos[c][round] = used / BURST;
                }
            }
        }
        return nanos;
    }

    /** Prints the median, 25th and 75th percentile of each variant and returns the medians. */
    static long[] print(String[] names, long[][] nanos) {
        long[] medians = new long[nanos.length];
        for (int c = 0; c < nanos.length; c++) {
            long[] sorted = nanos[c].clone();
            Arrays.sort(sorted);
            int rounds = sorted.length;
            medians[c] = sorted[rounds / 2];
            System.out.printf("  %-24s caller CPU per call: median %,8d ns  (p25 %,8d, p75 %,8d)%n", names[c],
                    medians[c], sorted[rounds / 4], sorted[3 * rounds / 4]);
        }
        return medians;
    }
}
