package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend that is down for the whole run must cost the application nothing but the events: callers return at
 * once, memory stays inside the configured queue budget, every lost event is counted with its reason, and the log
 * says so in a handful of lines.
 */
class DeadServerIT {

    private static final int THREADS = 4;
    private static final long QUEUE_BYTES = 4L * 1024 * 1024;
    private static final int TEXT_CHARS = 8 * 1024;

    @Test
    @Timeout(60)
    void refusedConnectionsCostCallersNothingAndMemoryStaysInTheQueueBudget() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        Set<Thread> before = ThreadLeaks.snapshot();
        try (LogCapture log = new LogCapture()) {
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("test-key")
                    .baseUrl("http://127.0.0.1:" + deadPort + "/")
                    .maxQueueSize(1_000_000)
                    .maxQueueBytes(QUEUE_BYTES)
                    .batchSize(50)
                    .maxRetries(2)
                    .initialBackoff(Duration.ofMillis(5))
                    .maxBackoff(Duration.ofMillis(20))
                    .shutdownHook(false)
                    .build();
            LongAccumulator worstNanos = new LongAccumulator(Math::max, 0);
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            int perThread = 5_000;
            ExecutorService producers = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    done.add(producers.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            // Each event carries its own 8 KB of text: 160 MB offered against a 4 MiB budget.
                            Event event = Event.userInput("00000000-0000-4000-8000-000000000002", "user",
                                    new String(new char[TEXT_CHARS]).replace('\0', (char) ('a' + i % 26)));
                            long start = System.nanoTime();
                            boolean ok = client.logEvent(event);
                            worstNanos.accumulate(System.nanoTime() - start);
                            (ok ? accepted : refused).incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                producers.shutdown();
            }
            System.gc();
            long heapGrowth = memory.getHeapMemoryUsage().getUsed() - heapBefore;
            ClientStats stats = client.stats();
            String flusher = ThreadLeaks.startedSince(before).stream().map(Thread::getName)
                    .filter(name -> name.startsWith("insidellm-flusher")).findFirst().orElseThrow();
            client.close(Duration.ofSeconds(2));
            ClientStats afterClose = client.stats();
            System.out.printf("DeadServerIT: worst logEvent latency %.3f ms over %d calls; heap growth %,d bytes; "
                    + "stats %s%n", worstNanos.get() / 1e6, THREADS * perThread, heapGrowth, afterClose);

            long offered = (long) THREADS * perThread;
            assertThat(accepted.get() + refused.get()).isEqualTo(offered);
            // Bounded by bytes: a 4 MiB budget holds a few hundred 8 KB events at a time, not 20,000.
            assertThat(stats.queueSize()).isLessThanOrEqualTo((int) (QUEUE_BYTES / TEXT_CHARS));
            assertThat(heapGrowth).isLessThan(QUEUE_BYTES * 4 + 32L * 1024 * 1024);
            // Every event is accounted for with a reason, none silently lost.
            assertThat(stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(refused.get()).isPositive();
            assertThat(afterClose.eventsSent()).isZero();
            assertThat(afterClose.eventsFailed() + afterClose.eventsDropped()).isEqualTo(offered);
            assertThat(afterClose.eventsQueued()).isEqualTo(accepted.get());
            assertThat(afterClose.healthy()).isFalse();
            // Thousands of failures and drops, a handful of log lines.
            assertThat(afterClose.eventsFailed() + afterClose.eventsDropped()).isGreaterThan(10_000);
            assertThat(log.sdkWarnings()).filteredOn(line -> line.contains("[" + flusher + "]"))
                    .hasSizeBetween(1, 6);
        }
    }

    @Test
    @Timeout(30)
    void callersReturnWhileTheFlusherIsStuckOnAServerThatNeverAnswers() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            }, "black-hole-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            Set<Thread> before = ThreadLeaks.snapshot();
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("test-key")
                    .baseUrl("http://127.0.0.1:" + blackHole.getLocalPort() + "/")
                    .maxQueueSize(1_000)
                    .batchSize(10)
                    .requestTimeout(Duration.ofSeconds(20))
                    .shutdownHook(false)
                    .build();
            client.logEvent(Event.userInput("00000000-0000-4000-8000-000000000003", "user", "first"));
            client.flush(Duration.ofMillis(1)); // wake the flusher: it connects and waits for an answer
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !held.isEmpty());

            long accepted = 0;
            for (int i = 0; i < 200_000; i++) {
                if (client.logEvent(Event.userInput("00000000-0000-4000-8000-000000000003", "user", "m" + i))) {
                    accepted++;
                }
            }
            ClientStats stats = client.stats();
            // The queue's 1,000, plus the next batch of 10 that the flusher prepared while the first one hangs.
            assertThat(accepted).isBetween(900L, 1_010L);
            assertThat(stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(200_000 - accepted);

            client.close(Duration.ofMillis(500));
            // close() is bounded even with a request hanging: it cancels it, and the queued events are counted.
            assertThat(client.stats().dropped(DropReason.SHUTDOWN_TIMEOUT)).isPositive();
            assertThat(client.stats().dropped(DropReason.SHUTDOWN_TIMEOUT)
                    + client.stats().dropped(DropReason.QUEUE_FULL) + client.stats().eventsFailed())
                    .isEqualTo(200_001);
            assertThat(ThreadLeaks.startedSince(before)).noneMatch(t -> t.getName().startsWith("insidellm"));
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
