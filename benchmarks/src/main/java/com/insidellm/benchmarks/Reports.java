package com.insidellm.benchmarks;

import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;

/** Prints the side facts of a trial in a fixed form that {@code run.sh} collects into the results table. */
final class Reports {

    private Reports() {
    }

    /** One line per trial: calls made, events that reached the (discarding) destination, events dropped. */
    static void drops(BenchmarkParams params, long calls, long delivered, long dropped) {
        double percent = calls == 0 ? 0 : 100.0 * dropped / calls;
        System.out.printf(Locale.ROOT, "#drops benchmark=%s threads=%d calls=%d delivered=%d dropped=%d (%.2f%%)"
                + " callerBytesPerCall=%.1f callerCpuNanosPerCall=%.1f%n", name(params), params.getThreads(), calls,
                delivered, dropped, percent, CallerCostBenchmark.Caller.callerBytesPerCall(),
                CallerCostBenchmark.Caller.callerCpuNanosPerCall());
    }

    /** One line per trial: CPU time per event of the threads doing the work (see the benchmark). */
    static void cpu(BenchmarkParams params, String threads, double cpuNanosPerEvent) {
        StringBuilder p = new StringBuilder();
        for (String key : params.getParamsKeys()) {
            p.append(' ').append(key).append('=').append(params.getParam(key));
        }
        System.out.printf(Locale.ROOT, "#cpu benchmark=%s%s threads=%s cpuNanosPerEvent=%.1f%n", name(params), p,
                threads, cpuNanosPerEvent);
    }

    private static String name(BenchmarkParams params) {
        return params.getBenchmark().replaceAll(".*\\.", "");
    }
}
