package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk outbox in the client: what the backend cannot take now is kept on disk and delivered first later. */
class OutboxDeliveryTest {

    @TempDir Path dir;
    RecordingServer server;
    final AtomicBoolean down = new AtomicBoolean(true);
    final String run = "00000000-0000-4000-8000-00000000000b";

    @BeforeEach
    void start() throws IOException {
        server = new RecordingServer();
        server.respondWith(request -> down.get() ? new MockResponse().setResponseCode(503)
                : new MockResponse().setResponseCode(202));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private InsideLlmClient.Builder builder() {
        return server.clientBuilder().outbox(dir).maxRetries(0).initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50)).circuitOpenDuration(Duration.ofMillis(50)).batchSize(10)
                .flushInterval(Duration.ofHours(1));
    }

    private long spooledEvents() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.batch")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                total += Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - 6));
            }
        }
        return total;
    }

    private List<String> log(InsideLlmClient client, String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Event event = Event.userInput(run, "u1", prefix + i);
            client.logEvent(event);
            ids.add(event.eventId());
        }
        return ids;
    }

    @Test
    void batchesTheBackendCannotTakeWaitOnDiskAndAreDeliveredFirstOnceItAnswers() throws IOException {
        try (InsideLlmClient client = builder().build()) {
            List<String> early = log(client, "early ", 30);
            assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
            // Gathered in memory, written once the sender has been idle a moment.
            await().atMost(Duration.ofSeconds(10)).until(() -> spooledEvents() == 30);
            assertThat(client.stats().outboxSize()).isEqualTo(30);
            assertThat(client.stats().queueSize()).isZero();
            assertThat(client.stats().eventsFailed()).isZero();
            assertThat(client.stats().lastError()).contains("503", "outbox");

            down.set(false);
            List<String> late = log(client, "late ", 10);
            client.flush(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(20)).until(() -> server.events.size() == 40);

            List<String> expected = new ArrayList<>(early);
            expected.addAll(late);
            assertThat(server.eventIds()).as("the outbox first, in order").isEqualTo(expected);
            assertThat(server.deliveriesById).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
            assertThat(spooledEvents()).isZero();
            ClientStats stats = client.stats();
            assertThat(stats.outboxSize()).isZero();
            assertThat(stats.eventsSent()).isEqualTo(40);
            assertThat(stats.eventsFailed()).isZero();
            assertThat(stats.eventsDropped()).isZero();
        }
    }

    @Test
    void eventsStillQueuedWhenCloseRunsOutOfTimeGoToTheOutboxForTheNextClient() throws IOException {
        server.respondWith(request -> new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        List<String> ids;
        InsideLlmClient client = builder().batchSize(50).requestTimeout(Duration.ofSeconds(30)).build();
        ids = log(client, "hanging ", 120);
        client.close(Duration.ofMillis(300));
        ClientStats stats = client.stats();

        assertThat(stats.dropped(DropReason.SHUTDOWN_TIMEOUT)).isZero();
        assertThat(stats.eventsFailed()).isZero();
        assertThat(spooledEvents()).isEqualTo(120);

        server.respondWith(request -> new MockResponse().setResponseCode(503));
        InsideLlmMetrics metrics = InsideLlmMetrics.create();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        try (InsideLlmClient waiting = builder().deliveryListener(metrics).build()) {
            assertThat(waiting.stats().outboxSize()).as("batches an earlier process left").isEqualTo(120);
            assertThat(registry.get("insidellm.outbox.size").gauge().value()).isEqualTo(120);
        }

        server.respondWith(request -> new MockResponse().setResponseCode(202));
        int before = server.events.size();
        try (InsideLlmClient next = builder().build()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> spooledEvents() == 0);
            assertThat(next.stats().eventsSent()).isEqualTo(120);
        }
        assertThat(server.eventIds().subList(before, server.events.size())).containsExactlyElementsOf(ids);
    }

    @Test
    void aFullOutboxDropsItsOldestBatchesAndCountsThem() throws IOException {
        try (InsideLlmClient client = builder().outboxMaxBytes(4 * 1024).build()) {
            log(client, "x".repeat(200) + " ", 60);
            client.flush(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.stats().dropped(DropReason.OUTBOX_FULL) + spooledEvents() == 60);

            ClientStats stats = client.stats();
            assertThat(stats.dropped(DropReason.OUTBOX_FULL)).isPositive();
            assertThat(stats.dropped(DropReason.OUTBOX_FULL) + spooledEvents()).isEqualTo(60);
            assertThat(stats.eventsFailed()).isZero();
        }
    }

    @Test
    void batchesOlderThanTheAgeBoundAreDroppedAndCounted() throws IOException {
        Clock weekAgo = Clock.offset(Clock.systemUTC(), Duration.ofDays(-8));
        try (InsideLlmClient old = builder().clock(weekAgo).build()) {
            log(old, "stale ", 20);
            old.flush(Duration.ofSeconds(10));
        } // close() writes what the outbox gathered
        assertThat(spooledEvents()).isEqualTo(20);
        down.set(false);

        try (InsideLlmClient client = builder().build()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> spooledEvents() == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> client.stats().dropped(DropReason.OUTBOX_EXPIRED) == 20);
            assertThat(client.stats().eventsSent()).isZero();
        }
        assertThat(server.events).isEmpty();
    }

    @Test
    void aRetryAfterFromTheBackendPacesTheOutboxAsItPacesLiveRetries() {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        server.respondWith(request -> {
            arrivals.add(System.nanoTime());
            return answered.incrementAndGet() <= 2
                    ? new MockResponse().setResponseCode(429).setHeader("Retry-After", "2")
                    : new MockResponse().setResponseCode(202);
        });
        // The outbox's own backoff starts at 10 ms: only the server's Retry-After can make it wait seconds.
        try (InsideLlmClient client = builder().maxBackoff(Duration.ofSeconds(10)).build()) {
            List<String> ids = log(client, "paced ", 10);
            await().atMost(Duration.ofSeconds(60)).until(() -> server.events.size() == 10);

            assertThat(arrivals).as("the live attempt, one refused replay, the delivered replay").hasSize(3);
            assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)))
                    .as("the first replay waits for the live attempt's Retry-After")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(Duration.ofNanos(arrivals.get(2) - arrivals.get(1)))
                    .as("the next replay waits for the refused replay's Retry-After")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(server.eventIds()).isEqualTo(ids);
            assertThat(client.stats().eventsSent()).isEqualTo(10);
            assertThat(client.stats().eventsFailed()).isZero();
        }
    }
}
