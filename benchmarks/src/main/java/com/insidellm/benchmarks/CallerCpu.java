package com.insidellm.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The CPU time of the calling thread per call, over the measurement iterations: on a machine shared with other work
 * this says what a call costs even when the wall-clock score includes time spent waiting for a core. Printed as
 * {@code #cpu benchmark=... cpuNanosPerCall=...}.
 */
@State(Scope.Thread)
public class CallerCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long start;
    private long nanos;
    private long calls;
    private boolean measuring;

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT;
    }

    @Setup(Level.Invocation)
    public void before() {
        start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Invocation)
    public void after() {
        if (measuring) {
            nanos += THREADS.getCurrentThreadCpuTime() - start;
            calls += WrapperRecording.BURST;
        }
    }

    @TearDown(Level.Trial)
    public void report(BenchmarkParams params) {
        System.out.printf("#cpu benchmark=%s cpuNanosPerCall=%.0f%n",
                params.getBenchmark().replaceAll(".*\\.(\\w+\\.\\w+)$", "$1"),
                calls == 0 ? 0.0 : (double) nanos / calls);
    }
}
