package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Payloads described later ({@link Event.Builder#payloadLater}) carry only a rough size estimate; the queue's byte
 * bound must still hold when the backend stops taking events, which is when the queue fills.
 */
class LaterPayloadQueueBoundTest {

    private static final String RUN_ID = "5b0a3f4e-8d0c-4a57-9a71-2f7f2ab3c222";
    /** Each payload is ~100 KB of text, but its description claims 100 bytes. */
    private static final int TEXT_CHARS = 100_000;
    private static final long QUEUE_BYTES = 1024 * 1024;

    @Test
    void whileTheBackendIsStuckLaterPayloadsAreCountedAtTheirRealSize() throws Exception {
        CountDownLatch exporting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventExporter stuck = batch -> {
            exporting.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExportResult.success();
        };
        InsideLlmClient client = InsideLlmClient.builder().addExporter(stuck).shutdownHook(false)
                .environment(name -> null).systemProperties(name -> null)
                .batchSize(10).maxQueueSize(100_000).maxQueueBytes(QUEUE_BYTES).maxRetries(0).build();
        try {
            CallRecorder recorder = CallRecorder.of(client);
            AtomicInteger described = new AtomicInteger();
            // The first batch reaches the exporter, which then holds the flusher's sender.
            for (int i = 0; i < 10; i++) {
                recorder.log(RUN_ID, "user", null, later(described));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> exporting.getCount() == 0);

            for (int i = 0; i < 1_000; i++) {
                recorder.log(RUN_ID, "user", null, later(described));
            }
            ClientStats stats = client.stats();
            // Counted at 100 bytes each, all 1,000 (~100 MB of text) would fit in 1 MiB; counted at their size,
            // the bound refuses all but about ten of those queued after the backlog formed.
            assertThat(stats.dropped(DropReason.QUEUE_FULL)).as("stats: %s", stats).isGreaterThan(900);
            assertThat(stats.queueSize()).as("stats: %s", stats).isLessThan(100);
            assertThat(described.get()).as("payloads described on the caller").isGreaterThan(0);
        } finally {
            release.countDown();
            client.close();
        }
    }

    @Test
    void whileTheFlusherKeepsUpPayloadsAreDescribedOnTheFlusher() {
        CapturingExporter exporter = new CapturingExporter();
        InsideLlmClient client = CapturingExporter.clientBuilder(exporter).batchSize(10).build();
        try {
            CallRecorder recorder = CallRecorder.of(client);
            AtomicInteger described = new AtomicInteger();
            Thread caller = Thread.currentThread();
            AtomicInteger onCaller = new AtomicInteger();
            for (int i = 0; i < 5; i++) {
                recorder.log(RUN_ID, "user", null, Event.builder(EventType.USER_INPUT).payloadLater(() -> {
                    described.incrementAndGet();
                    if (Thread.currentThread() == caller) {
                        onCaller.incrementAndGet();
                    }
                    return new DescribedPayload(new Payload.UserInput("hello"), Map.of());
                }, 100));
            }
            assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(exporter.ofType("user.input")).hasSize(5);
            assertThat(described.get()).isEqualTo(5);
            assertThat(onCaller.get()).as("descriptions run on the caller's thread").isZero();
        } finally {
            client.close();
        }
    }

    private static Event.Builder later(AtomicInteger described) {
        return Event.builder(EventType.USER_INPUT).payloadLater(() -> {
            described.incrementAndGet();
            return new DescribedPayload(new Payload.UserInput("x".repeat(TEXT_CHARS)), Map.of());
        }, 100);
    }
}
