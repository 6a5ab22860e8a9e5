package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.InsideLlmClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Events per second from {@code logEvent} to acknowledged delivery: each invocation logs {@value #EVENTS} events
 * and waits for {@code flush} to report them all delivered, to a loopback HTTP server that reads and discards the
 * body. The floor it is compared with is serialising the same events to their wire JSON alone, which the flusher
 * must do anyway.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DeliveryThroughputBenchmark.EVENTS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DeliveryThroughputBenchmark {

    static final int EVENTS = 10_000;

    /** Distinct events (own ids), built once; delivery, not construction, is measured here. */
    @State(Scope.Benchmark)
    public static class Events {
        final Event[] events = new Event[EVENTS];

        @Setup(Level.Trial)
        public void build() {
            java.util.SplittableRandom random = new java.util.SplittableRandom(1);
            for (int i = 0; i < EVENTS; i++) {
                events[i] = BenchEvents.insideLlm(BenchEvents.variedText(random));
            }
        }
    }

    /** A client delivering over HTTP to a discarding loopback server. */
    @State(Scope.Benchmark)
    public static class Http {
        @Param({"50", "200"})
        int batchSize;

        @Param({"true", "false"})
        boolean gzip;

        DiscardingHttpServer server;
        InsideLlmClient client;
        private final CpuMeter sdkCpu = new CpuMeter();
        private long sentAtStart;
        private long measuredEvents;

        @Setup(Level.Trial)
        public void start() throws IOException {
            server = new DiscardingHttpServer();
            client = InsideLlmClient.builder()
                    .apiKey("benchmark-key")
                    .baseUrl(server.baseUrl())
                    .batchSize(batchSize)
                    .gzip(gzip)
                    .maxQueueSize(EVENTS * 2)
                    .shutdownHook(false)
                    .build();
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            // The SDK's two delivery threads: the flusher prepares batches, the sender sends them.
            sdkCpu.start(CpuMeter.threadNamed("insidellm-flusher"), CpuMeter.threadNamed("insidellm-sender"));
            sentAtStart = client.stats().eventsSent();
        }

        @TearDown(Level.Iteration)
        public void endIteration(IterationParams iteration) {
            long cpu = sdkCpu.stop();
            if (iteration.getType() == IterationType.MEASUREMENT) {
                sdkCpu.add(cpu);
                measuredEvents += client.stats().eventsSent() - sentAtStart;
            }
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            Reports.cpu(params, "flusher+sender", sdkCpu.total() / (double) Math.max(1, measuredEvents));
            ClientStats stats = client.stats();
            System.out.printf(java.util.Locale.ROOT, "#wire gzip=%s batchSize=%d bodyBytesPerEvent=%.1f%n", gzip,
                    batchSize, server.bodyBytes() / (double) Math.max(1, stats.eventsSent()));
            client.close();
            server.close();
            if (stats.eventsDropped() > 0 || stats.eventsFailed() > 0) {
                throw new IllegalStateException("events were lost, the benchmark is invalid: " + stats);
            }
        }
    }

    /** Logs the events and waits until the server has acknowledged all of them. */
    @Benchmark
    public void deliverToDiscardingServer(Events events, Http http) {
        deliver(http.client, events.events);
    }

    static void deliver(InsideLlmClient client, Event[] events) {
        for (Event event : events) {
            if (!client.logEvent(event)) {
                throw new IllegalStateException("event refused: " + client.stats());
            }
        }
        if (!client.flush(Duration.ofSeconds(60))) {
            throw new IllegalStateException("flush did not complete: " + client.stats());
        }
    }

    /** CPU time of the benchmark thread while it serialises, per event. */
    @State(Scope.Thread)
    public static class SerializerCpu {
        private final CpuMeter cpu = new CpuMeter();
        private long invocationsAtStart;
        long invocations;
        private long measuredEvents;

        @Setup(Level.Iteration)
        public void startIteration() {
            cpu.start(Thread.currentThread());
            invocationsAtStart = invocations;
        }

        @TearDown(Level.Iteration)
        public void endIteration(IterationParams iteration) {
            long used = cpu.stop();
            if (iteration.getType() == IterationType.MEASUREMENT) {
                cpu.add(used);
                measuredEvents += (invocations - invocationsAtStart) * EVENTS;
            }
        }

        @TearDown(Level.Trial)
        public void report(BenchmarkParams params) {
            Reports.cpu(params, "benchmark", cpu.total() / (double) Math.max(1, measuredEvents));
        }
    }

    /**
     * The floor: serialising the same events to their wire JSON, nothing else, through the public
     * {@link EventBatch#of(java.util.List)} (the serialiser the client's flusher uses).
     */
    @Benchmark
    public void serializeJsonOnly(Events events, SerializerCpu cpu, Blackhole blackhole) throws IOException {
        cpu.invocations++;
        blackhole.consume(EventBatch.of(java.util.Arrays.asList(events.events)));
    }
}
