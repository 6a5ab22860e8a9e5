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
                + " callerBytesPerCall=%.1f%n", params.getBenchmark().replaceAll(".*\\.", ""), params.getThreads(),
                calls, delivered, dropped, percent, CallerCostBenchmark.Caller.callerBytesPerCall());
    }
}
