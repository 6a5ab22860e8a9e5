package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.InsideLlmClient;
import com.insidellm.collector.InsideLlmCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

/**
 * Events per second from {@code logEvent} to acknowledged delivery into the InsideLLM collector (embedded, on
 * loopback, storing into SQLite with its default durability), measured like
 * {@link DeliveryThroughputBenchmark#deliverToDiscardingServer}: log {@value DeliveryThroughputBenchmark#EVENTS}
 * events, wait for {@code flush}. Each invocation sends new event ids, so the collector stores every event.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DeliveryThroughputBenchmark.EVENTS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CollectorThroughputBenchmark {

    /** An embedded collector with a fresh database, and a client sending to it. */
    @State(Scope.Benchmark)
    public static class Collector {
        Path directory;
        InsideLlmCollector collector;
        InsideLlmClient client;
        com.insidellm.Event[] events;
        private final java.util.SplittableRandom random = new java.util.SplittableRandom(1);

        /** The SDK's batch size: 50 is its default. */
        @Param({"50", "200", "500"})
        int batchSize;

        @Setup(Level.Trial)
        public void start() throws IOException {
            directory = Files.createTempDirectory("insidellm-bench-collector");
            collector = InsideLlmCollector.builder().port(0).databasePath(directory.resolve("bench.db")).build();
            collector.start();
            client = InsideLlmClient.builder()
                    .apiKey("benchmark-key")
                    .baseUrl(collector.baseUrl().toString())
                    .batchSize(batchSize)
                    .maxQueueSize(DeliveryThroughputBenchmark.EVENTS * 2)
                    .shutdownHook(false)
                    .build();
            events = new com.insidellm.Event[DeliveryThroughputBenchmark.EVENTS];
        }

        /** New ids each time: a re-sent event id would be a duplicate the collector does not store again. */
        @Setup(Level.Invocation)
        public void newEvents() {
            for (int i = 0; i < events.length; i++) {
                events[i] = BenchEvents.insideLlm(BenchEvents.variedText(random));
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            ClientStats stats = client.stats();
            client.close();
            collector.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            if (stats.eventsDropped() > 0 || stats.eventsFailed() > 0) {
                throw new IllegalStateException("events were lost, the benchmark is invalid: " + stats);
            }
        }
    }

    @Benchmark
    public void deliverToCollector(Collector state) {
        DeliveryThroughputBenchmark.deliver(state.client, state.events);
    }
}
