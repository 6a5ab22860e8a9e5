package com.insidellm.collector;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Manual measurement, not a test: the real SDK client (default settings unless told otherwise; its own random v4
 * event ids) sending to an in-process collector for a fixed time, with a producer that keeps the client's queue
 * topped up, so the flusher always has a full batch to send. Prints the acknowledged events per second for every
 * second, then the sustained rate after the warm-up (the JIT compiler uses much of the first seconds' CPU on two
 * cores) and the CPU time of the whole process (SDK and collector together) per event over the same window.
 *
 * <p>Args: [seconds, default 40] [short|1kb, default short: a one-line user.input, or an llm.response with ~1 KB of
 * varied text] [batch size, default: the SDK's] [process|power durability, default process] [gzip: compress
 * request bodies, which the SDK does not do by default for a loopback URL such as this collector's].
 */
public final class SdkLoad {

    private static final int QUEUE_TARGET = 5_000;
    private static final String[] WORDS = ("the model answered with a short plan then called the search tool twice"
            + " before it summarised what it found about pricing latency tokens and the customer's refund request while"
            + " the agent kept track of each step").split(" ");

    private SdkLoad() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        boolean large = args.length > 1 && args[1].equals("1kb");
        Integer batchSize = args.length > 2 && !args[2].equals("default") ? Integer.valueOf(args[2]) : null;
        Durability durability = args.length > 3 && args[3].equals("power") ? Durability.POWER_LOSS
                : Durability.PROCESS_CRASH;
        boolean gzip = args.length > 4 && args[4].equals("gzip");
        int warmup = Math.min(10, seconds / 3);
        Path directory = LoadDirectories.create("sdkload");
        Path db = directory.resolve("load.db");
        try {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (InsideLlmCollector collector = InsideLlmCollector.builder().port(0).databasePath(db)
                    .durability(durability).build()) {
                collector.start();
                InsideLlmClient.Builder builder = InsideLlmClient.builder().apiKey("load-test-key")
                        .baseUrl(collector.baseUrl().toString()).maxQueueSize(QUEUE_TARGET * 2).shutdownHook(false);
                if (gzip) {
                    builder.gzip(true);
                }
                if (batchSize != null) {
                    builder.batchSize(batchSize);
                }
                try (InsideLlmClient client = builder.build()) {
                    String run = client.startRun("load");
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread producer = new Thread(() -> produce(client, run, large, stop), "load-producer");
                    producer.start();
                    List<long[]> samples = new ArrayList<>(); // {nanos, eventsSent, processCpuNanos}
                    long t0 = System.nanoTime();
                    samples.add(new long[] {t0, client.stats().eventsSent(), os.getProcessCpuTime()});
                    for (int s = 1; s <= seconds; s++) {
                        // The sampling interval: one reading of the client's counters per second.
                        java.util.concurrent.TimeUnit.NANOSECONDS.sleep(t0 + s * 1_000_000_000L - System.nanoTime());
                        long[] now = {System.nanoTime(), client.stats().eventsSent(), os.getProcessCpuTime()};
                        long[] before = samples.get(samples.size() - 1);
                        samples.add(now);
                        System.out.printf("%3d s: %,7.0f events/s%n", s, (now[1] - before[1]) / ((now[0] - before[0]) / 1e9));
                    }
                    stop.set(true);
                    producer.join();
                    client.flush(Duration.ofMinutes(1));
                    ClientStats stats = client.stats();
                    long[] from = samples.get(warmup);
                    long[] to = samples.get(samples.size() - 1);
                    double rate = (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);
                    double cpuMicros = (to[2] - from[2]) / 1e3 / (to[1] - from[1]);
                    System.out.printf("%s events, batch %s, %s%s: %,.0f events/s sustained (seconds %d-%d), %.1f µs process CPU"
                            + " per event; %,d sent in all, failed %d, dropped %d%n", large ? "~1 KB" : "short",
                            batchSize == null ? "default" : batchSize, durability, gzip ? ", gzip" : "", rate, warmup, seconds,
                            cpuMicros, stats.eventsSent(), stats.eventsFailed(), stats.eventsDropped());
                }
            }
        } finally {
            LoadDirectories.delete(directory);
        }
    }

    /** Keeps the client's queue near {@link #QUEUE_TARGET} events until told to stop. */
    private static void produce(InsideLlmClient client, String run, boolean large, AtomicBoolean stop) {
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder text = new StringBuilder(1200);
        long i = 0;
        while (!stop.get()) {
            if (client.stats().queueSize() > QUEUE_TARGET) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                continue;
            }
            for (int n = 0; n < 1000; n++, i++) {
                if (large) {
                    text.setLength(0);
                    while (text.length() < 1000) {
                        text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                    }
                    client.logEvent(Event.builder(com.insidellm.EventType.LLM_RESPONSE).runId(run).userId("load")
                            .payloadEntry("model_name", "gpt-4o-mini").payloadEntry("provider", "openai")
                            .payloadEntry("response_text", text.toString()).build());
                } else {
                    client.logEvent(Event.userInput(run, "load", "a typical user message of moderate length " + i));
                }
            }
        }
    }
}
