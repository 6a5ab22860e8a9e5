package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The outbox's reliability run: 100,000 events from 4 threads through a {@link FlappingBackend} with the disk outbox
 * on, and the process restarted in the middle. The first child JVM logs the first half while the backend flaps, then
 * the backend goes down and the process closes with a 2 s timeout (a restart during an outage: what it could not
 * deliver goes to the outbox); a second
 * child JVM, sharing the outbox directory, logs the second half, delivers the first one's leftovers, and waits until
 * the outbox is empty. The parent counts what the backend received: lost (sequence numbers never received) and
 * duplicates left after de-duplication by {@code event_id}, which must both be 0.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar com.insidellm.benchmarks.OutboxReliabilityRun</pre>
 */
public final class OutboxReliabilityRun {

    static final int EVENTS = 100_000;
    static final int THREADS = 4;
    /** Events per second the load logs, all threads together: a phase lasts long enough to see several outages. */
    static final int RATE = 5_000;
    static final long UP_MILLIS = 1_500;
    static final long DOWN_MILLIS = 1_500;

    private OutboxReliabilityRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Child.main(args);
            return;
        }
        Path outbox = Files.createTempDirectory("insidellm-outbox-run");
        long start = System.nanoTime();
        try (FlappingBackend backend = new FlappingBackend(UP_MILLIS, DOWN_MILLIS, 800)) {
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(outboxEvents(outbox), Math::max);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }, "outbox-sampler");
            sampler.setDaemon(true);
            sampler.start();

            // The outage that spans the restart starts 2 s before the first process has logged its share.
            long outageAfterMillis = 1000L * (EVENTS / 2) / RATE - 2_000;
            Thread outage = new Thread(() -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(outageAfterMillis));
                backend.forceDown(true);
            }, "outage");
            outage.setDaemon(true);
            outage.start();
            String first = runChild(backend, outbox, 0, EVENTS / 2, "restart", "first process");
            long afterFirst = outboxEvents(outbox);
            backend.forceDown(false);
            String second = runChild(backend, outbox, EVENTS / 2, EVENTS / 2, "drain", "second process");
            long afterSecond = outboxEvents(outbox);
            sampler.interrupt();

            int distinct = backend.distinctSequences(EVENTS);
            long lost = EVENTS - distinct;
            long distinctIds = backend.deliveriesById.size();
            long duplicatesAfterDedup = distinctIds - distinct;
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%n## Outbox reliability run%n%n");
            System.out.printf(Locale.ROOT, "- events logged: %,d at %,d/s from %d threads in two processes (backend up"
                    + " %d ms / down %d ms, 503 while down, every 40th answer after the client's timeout; down from 2 s"
                    + " before the restart until the second process starts)%n", EVENTS, RATE, THREADS, UP_MILLIS,
                    DOWN_MILLIS);
            System.out.printf(Locale.ROOT, "- first process: %s%n- outbox after the restart: %,d events%n", first,
                    afterFirst);
            System.out.printf(Locale.ROOT, "- second process: %s%n- outbox at the end: %,d events (peak %,d)%n",
                    second, afterSecond, peak.get());
            System.out.printf(Locale.ROOT, "- backend: %,d events received, %,d requests refused with 503, %,d late"
                    + " answers%n", backend.deliveries.get(), backend.refused.get(), backend.lateAnswers.get());
            System.out.printf(Locale.ROOT, "- after de-duplication by event_id: %,d distinct events, lost %d,"
                    + " duplicates %d (before de-duplication: %,d extra deliveries)%n", distinctIds, lost,
                    duplicatesAfterDedup, backend.deliveries.get() - distinctIds);
            System.out.printf(Locale.ROOT, "- wall time: %.1f s%n", seconds);
            if (lost != 0 || duplicatesAfterDedup != 0 || afterSecond != 0) {
                System.out.println("FAILED: events were lost or duplicated");
                System.exit(1);
            }
        } finally {
            deleteRecursively(outbox);
        }
    }

    private static String runChild(FlappingBackend backend, Path outbox, int from, int count, String mode,
            String label) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                OutboxReliabilityRun.class.getName(), "child", mode, backend.baseUrl(), String.valueOf(from),
                String.valueOf(count), outbox.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String result = "(no result)";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer in = new OutputStreamWriter(process.getOutputStream(),
                StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("LOGGED")) {
                    // The restart happens during the outage: what the process still holds must survive it.
                    backend.forceDown(true);
                    in.write("CLOSE\n");
                    in.flush();
                } else if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                } else if (line.contains("WARN") && !line.contains("keeps failing") || line.contains("ERROR")) {
                    System.out.println("  [" + label + "] " + line);
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(label + " failed: " + result);
        }
        return result;
    }

    /** The events waiting in the outbox, from its file names ({@code <time>-<seq>-<process>-<events>.batch}). */
    static long outboxEvents(Path outbox) {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(outbox, "*.batch")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".")) {
                    total += Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - 6));
                }
            }
        } catch (IOException | RuntimeException e) {
            return total;
        }
        return total;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One process of the run: logs its share of the events at {@link #RATE}, then restarts or drains. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            String mode = args[1];
            String baseUrl = args[2];
            int from = Integer.parseInt(args[3]);
            int count = Integer.parseInt(args[4]);
            Path outbox = Path.of(args[5]);
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("reliability-run")
                    .baseUrl(baseUrl)
                    .outbox(outbox)
                    .requestTimeout(Duration.ofMillis(500))
                    .initialBackoff(Duration.ofMillis(50))
                    .maxBackoff(Duration.ofMillis(500))
                    .circuitOpenDuration(Duration.ofMillis(500))
                    .shutdownHook(false)
                    .build();
            String runId = "00000000-0000-4000-8000-" + String.format("%012d", from);
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread producer = new Thread(() -> {
                    long perThreadNanos = TimeUnit.SECONDS.toNanos(1) * THREADS / RATE;
                    long next = System.nanoTime();
                    for (int i = from + thread; i < from + count; i += THREADS) {
                        client.logEvent(Event.userInput(runId, "user-" + thread, "seq:" + i));
                        next += perThreadNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }, "producer-" + t);
                threads.add(producer);
                producer.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            long logged = System.nanoTime();
            long drainMillis = -1;
            if (mode.equals("restart")) {
                // A restart in the middle of an outage (the parent takes the backend down when it reads LOGGED):
                // close() gets 2 s, and what it cannot deliver must go to the outbox.
                System.out.println("LOGGED");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                client.close(Duration.ofSeconds(2));
            } else {
                client.flush(Duration.ofSeconds(60));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while ((outboxEvents(outbox) > 0 || client.stats().queueSize() > 0)
                        && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - logged);
                client.close(Duration.ofSeconds(30));
            }
            ClientStats stats = client.stats();
            StringBuilder dropped = new StringBuilder();
            stats.droppedByReason().forEach((reason, n) -> {
                if (n > 0) {
                    dropped.append(dropped.length() == 0 ? "" : ", ").append(reason).append('=').append(n);
                }
            });
            System.out.printf(Locale.ROOT, "RESULT logged %,d in %.1f s; sent %,d, failed %d, dropped {%s}, retries"
                    + " %,d%s; closed after %.1f s%n", count, (logged - start) / 1e9, stats.eventsSent(),
                    stats.eventsFailed(), dropped, stats.retries(),
                    drainMillis < 0 ? "" : String.format(Locale.ROOT, "; outbox empty %.1f s after the last event",
                            drainMillis / 1e3), (System.nanoTime() - logged) / 1e9);
        }
    }
}
