package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.ExportResult;
import com.insidellm.InsideLlmClient;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.Log;
import com.segment.analytics.messages.Message;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What recording one event costs the thread that records it, for InsideLLM and for the two things a user would
 * pick instead: OpenTelemetry's {@link BatchLogRecordProcessor} (with an exporter that discards) and Segment's
 * {@code Analytics.offer} (delivering to a loopback server that discards). Every benchmark builds the same
 * {@linkplain BenchEvents ~1 KB llm.response event} and hands it over; run with {@code -t 1/2/4} and {@code -prof gc}.
 *
 * <p>Each invocation records a burst of {@value #BURST} events per thread (measured), then waits, outside the
 * measurement, until the library has drained its queue. Without that pause, producers that do nothing but record
 * outrun any consumer, every queue fills up, and the benchmark would measure how cheaply each library refuses
 * events rather than what accepting one costs; each trial prints its drop count to show that none were dropped.
 * The libraries' background threads still run during the burst and compete for the same cores, as they would in an
 * application.
 *
 * <p>Besides JMH's {@code -prof gc} (which counts the allocations of every thread, the libraries' background
 * threads included), each trial prints {@code callerBytesPerCall}: what the recording thread itself allocated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(CallerCostBenchmark.BURST)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CallerCostBenchmark {

    /** Events recorded per thread per invocation. */
    static final int BURST = 1_000;
    /** The queue capacity every library gets: room for a burst from every thread (OpenTelemetry's default is 2,048). */
    static final int QUEUE_CAPACITY = 100_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Per benchmark thread: calls, refusals and the bytes the thread itself allocated while recording during
     * measurement iterations. Summed over all threads at the end of the trial.
     */
    @State(Scope.Thread)
    public static class Caller {
        static final List<Caller> ALL = new CopyOnWriteArrayList<>();
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long calls;
        long refused;
        int lastRefused;
        long measuredCalls;
        long measuredBytes;
        long measuredCpuNanos;
        boolean measuring;
        private long bytesAtStart;
        private long cpuAtStart;

        @Setup(Level.Trial)
        public void register() {
            ALL.add(this);
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams iteration) {
            measuring = iteration.getType() == IterationType.MEASUREMENT;
        }

        void startBurst() {
            bytesAtStart = THREADS.getCurrentThreadAllocatedBytes();
            cpuAtStart = THREADS.getCurrentThreadCpuTime();
        }

        void endBurst(int refusedInBurst) {
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
            long bytes = THREADS.getCurrentThreadAllocatedBytes() - bytesAtStart;
            calls += BURST;
            refused += refusedInBurst;
            if (measuring) {
                measuredCalls += BURST;
                measuredBytes += bytes;
                measuredCpuNanos += cpu;
            }
        }

        static long totalCalls() {
            return ALL.stream().mapToLong(c -> c.calls).sum();
        }

        static long totalRefused() {
            return ALL.stream().mapToLong(c -> c.refused).sum();
        }

        /**
         * CPU time the recording threads spent per call, during measurement. Unlike JMH's wall-clock score it does
         * not count time a thread spent waiting for a core, so it stays meaningful on a busy machine.
         */
        static double callerCpuNanosPerCall() {
            long calls = ALL.stream().mapToLong(c -> c.measuredCalls).sum();
            long cpu = ALL.stream().mapToLong(c -> c.measuredCpuNanos).sum();
            return calls == 0 ? 0 : (double) cpu / calls;
        }

        /** Bytes allocated by the recording threads per call, during measurement. */
        static double callerBytesPerCall() {
            long calls = ALL.stream().mapToLong(c -> c.measuredCalls).sum();
            long bytes = ALL.stream().mapToLong(c -> c.measuredBytes).sum();
            return calls == 0 ? 0 : (double) bytes / calls;
        }
    }

    /** An exporter that counts and discards: the flusher still processes and serialises every event. */
    static final class DiscardingExporter implements EventExporter {
        final LongAdder events = new LongAdder();

        @Override
        public ExportResult export(EventBatch batch) {
            events.add(batch.size());
            return ExportResult.success();
        }

        @Override
        public String name() {
            return "discard";
        }
    }

    /** An InsideLLM client whose one exporter discards. */
    @State(Scope.Benchmark)
    public static class InsideLlm {
        InsideLlmClient client;
        Event prebuilt;

        @Setup(Level.Trial)
        public void start() {
            client = InsideLlmClient.builder()
                    .addExporter(new DiscardingExporter())
                    .maxQueueSize(QUEUE_CAPACITY)
                    .batchSize(500)
                    .maxBatchBytes(4L * 1024 * 1024)
                    .shutdownHook(false)
                    .build();
            prebuilt = BenchEvents.insideLlm();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            client.flush(DRAIN_TIMEOUT);
            ClientStats stats = client.stats();
            client.close();
            Reports.drops(params, Caller.totalCalls(), stats.eventsSent(), stats.eventsDropped());
        }
    }

    /** Waits, outside the measurement, for InsideLLM to deliver the burst. */
    @State(Scope.Thread)
    public static class InsideLlmDrain {
        @TearDown(Level.Invocation)
        public void drain(InsideLlm library) {
            if (!library.client.flush(DRAIN_TIMEOUT)) {
                throw new IllegalStateException("InsideLLM did not drain: " + library.client.stats());
            }
        }
    }

    /** An OpenTelemetry logger provider with a batch processor in front of an exporter that counts and discards. */
    @State(Scope.Benchmark)
    public static class OpenTelemetry {
        SdkLoggerProvider provider;
        Logger logger;
        final LongAdder exported = new LongAdder();

        @Setup(Level.Trial)
        public void start() {
            LogRecordExporter exporter = new LogRecordExporter() {
                @Override
                public CompletableResultCode export(Collection<LogRecordData> logs) {
                    exported.add(logs.size());
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            };
            provider = SdkLoggerProvider.builder()
                    .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter)
                            .setMaxQueueSize(QUEUE_CAPACITY)
                            .setMaxExportBatchSize(500)
                            .build())
                    .build();
            logger = provider.get("insidellm-benchmarks");
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            provider.forceFlush().join(30, TimeUnit.SECONDS);
            provider.shutdown().join(30, TimeUnit.SECONDS);
            long calls = Caller.totalCalls();
            Reports.drops(params, calls, exported.sum(), calls - exported.sum());
        }
    }

    /** Waits, outside the measurement, for OpenTelemetry to export the burst. */
    @State(Scope.Thread)
    public static class OpenTelemetryDrain {
        @TearDown(Level.Invocation)
        public void drain(OpenTelemetry library) {
            if (!library.provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()) {
                throw new IllegalStateException("OpenTelemetry did not drain");
            }
        }
    }

    /** A Segment client delivering to a loopback server that discards. */
    @State(Scope.Benchmark)
    public static class Segment {
        DiscardingHttpServer server;
        Analytics analytics;
        final LongAdder offered = new LongAdder();
        final LongAdder uploaded = new LongAdder();
        final LongAdder failed = new LongAdder();

        @Setup(Level.Trial)
        public void start() throws IOException {
            server = new DiscardingHttpServer();
            analytics = Analytics.builder("benchmark-write-key")
                    .endpoint(server.baseUrl())
                    .queueCapacity(QUEUE_CAPACITY)
                    .log(Log.NONE)
                    .callback(new Callback() {
                        @Override
                        public void success(Message message) {
                            uploaded.increment();
                        }

                        @Override
                        public void failure(Message message, Throwable throwable) {
                            failed.increment();
                        }
                    })
                    .build();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            analytics.flush();
            analytics.shutdown();
            server.close();
            long calls = Caller.totalCalls();
            Reports.drops(params, calls, uploaded.sum(), Caller.totalRefused() + failed.sum());
        }
    }

    /** Waits, outside the measurement, for Segment to upload the burst (its flush() does not wait). */
    @State(Scope.Thread)
    public static class SegmentDrain {
        @TearDown(Level.Invocation)
        public void drain(Segment library, Caller caller) {
            library.offered.add(BURST - caller.lastRefused);
            library.analytics.flush();
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (library.uploaded.sum() + library.failed.sum() < library.offered.sum()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Segment did not drain");
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** InsideLLM: build the typed event (id, timestamp, validation, size estimate) and queue it. */
    @Benchmark
    public void insideLlm(InsideLlm library, InsideLlmDrain drain, Caller caller) {
        InsideLlmClient client = library.client;
        int refused = 0;
        caller.startBurst();
        for (int i = 0; i < BURST; i++) {
            if (!client.logEvent(BenchEvents.insideLlm())) {
                refused++;
            }
        }
        caller.endBurst(refused);
    }

    /** InsideLLM, enqueue path only: queue an already built event. Should allocate nothing. */
    @Benchmark
    public void insideLlmEnqueueOnly(InsideLlm library, InsideLlmDrain drain, Caller caller) {
        InsideLlmClient client = library.client;
        Event event = library.prebuilt;
        int refused = 0;
        caller.startBurst();
        for (int i = 0; i < BURST; i++) {
            if (!client.logEvent(event)) {
                refused++;
            }
        }
        caller.endBurst(refused);
    }

    /** OpenTelemetry: build and emit a log record through the batch processor. */
    @Benchmark
    public void openTelemetry(OpenTelemetry library, OpenTelemetryDrain drain, Caller caller) {
        Logger logger = library.logger;
        caller.startBurst();
        for (int i = 0; i < BURST; i++) {
            BenchEvents.emitOpenTelemetry(logger);
        }
        caller.endBurst(0);
    }

    /** Segment: build a track message and {@code offer} it (its non-blocking call). */
    @Benchmark
    public void segment(Segment library, SegmentDrain drain, Caller caller) {
        Analytics analytics = library.analytics;
        int refused = 0;
        caller.startBurst();
        for (int i = 0; i < BURST; i++) {
            if (!analytics.offer(BenchEvents.segment())) {
                refused++;
            }
        }
        caller.endBurst(refused);
        caller.lastRefused = refused;
    }
}
