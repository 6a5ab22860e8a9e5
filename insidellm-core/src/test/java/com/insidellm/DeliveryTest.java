package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The delivery pipeline against a real HTTP server, with retry waits recorded instead of slept. */
class DeliveryTest {

    private RecordingServer server;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private InsideLlmClient client;

    @BeforeEach
    void start() throws Exception {
        server = new RecordingServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close(Duration.ofSeconds(2));
        }
        server.close();
    }

    private InsideLlmClient.Builder builder() {
        return server.clientBuilder().sleeper(sleeps::add).flushInterval(Duration.ofHours(1));
    }

    /** The live client thread whose name starts with {@code prefix}. */
    private static Thread clientThread(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .findFirst().orElseThrow();
    }

    private static Event userInput(String text) {
        return Event.userInput("11111111-1111-4111-8111-111111111111", "user-1", text);
    }

    /** Answers the first {@code failures} requests with {@code failure}, then 202. */
    private void failFirst(int failures, MockResponse failure) {
        AtomicInteger count = new AtomicInteger();
        server.respondWith(request -> count.incrementAndGet() <= failures ? failure
                : new MockResponse().setResponseCode(202));
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void retriesRetryableStatusesWithTheSameEventIds(int status) {
        failFirst(1, new MockResponse().setResponseCode(status));
        client = builder().build();
        Event event = userInput("hello");
        client.logEvent(event);

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(server.requests).hasSize(2);
        assertThat(server.requests.get(0).body().get(0).get("event_id").asText()).isEqualTo(event.eventId());
        assertThat(server.deliveriesById).containsExactly(Map.entry(event.eventId(), 1));
        assertThat(client.stats().retries()).isEqualTo(1);
        assertThat(client.stats().eventsSent()).isEqualTo(1);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void retriesADroppedConnection() {
        failFirst(1, new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        client = builder().build();
        client.logEvent(userInput("hello"));

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(server.requests).hasSize(2);
        assertThat(server.deliveriesById).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void neverRetriesClientErrors(int status) {
        server.respondWith(request -> new MockResponse().setResponseCode(status).setBody("{\"error\":\"nope\"}"));
        List<String> failures = new CopyOnWriteArrayList<>();
        client = builder().deliveryListener(new DeliveryListener() {
            @Override
            public void onFailed(List<Event> events, String reason) {
                failures.add(reason);
            }
        }).build();
        client.logEvent(userInput("hello"));

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(server.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
        ClientStats stats = client.stats();
        assertThat(stats.eventsFailed()).isEqualTo(1);
        assertThat(stats.retries()).isZero();
        assertThat(stats.healthy()).isFalse();
        assertThat(failures).hasSize(1);
        if (status == 401 || status == 403) {
            assertThat(stats.lastError()).contains("API key rejected by " + server.baseUrl() + "api/v1/ingest")
                    .doesNotContain("test-key");
        } else {
            assertThat(stats.lastError()).contains("HTTP " + status).contains("nope");
        }
    }

    @Test
    void countsTheEventsA2xxAnswerRejectsAsDroppedNotSent() {
        server.respondWith(request -> {
            String second = request.body().get(1).get("event_id").asText();
            return new MockResponse().setResponseCode(200).setBody("{\"accepted\":2,\"duplicates\":0,\"rejected\":"
                    + "[{\"index\":1,\"event_id\":\"" + second + "\",\"reason\":\"payload.name must be a string\"}]}");
        });
        client = builder().batchSize(3).build();
        client.logEvent(userInput("one"));
        client.logEvent(userInput("two"));
        client.logEvent(userInput("three"));

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
        ClientStats stats = client.stats();
        assertThat(stats.eventsSent()).isEqualTo(2);
        assertThat(stats.dropped(DropReason.REJECTED)).isEqualTo(1);
        assertThat(stats.eventsFailed()).isZero();
        assertThat(stats.lastError()).contains("payload.name must be a string");
        assertThat(server.requests).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 422})
    void dropsALoneInvalidEventOnceAsRejectedWithTheServersReasonAndNeverRetriesIt(int status) {
        server.respondWith(request -> new MockResponse().setResponseCode(status)
                .setBody("{\"detail\":\"event_type:\n   not a valid enumeration member\"}"));
        List<String> rejected = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        Event event = userInput("hello");
        client = builder().deliveryListener(new DeliveryListener() {
            @Override
            public void onDropped(DropReason reason, List<Event> events, String detail) {
                rejected.add(reason + " " + events.get(0).eventId() + " " + detail);
            }

            @Override
            public void onFailed(List<Event> events, String reason) {
                failures.add(reason);
            }
        }).build();
        client.logEvent(event);

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(server.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
        ClientStats stats = client.stats();
        assertThat(stats.dropped(DropReason.REJECTED)).isEqualTo(1);
        assertThat(stats.eventsFailed()).isZero();
        assertThat(stats.eventsSent()).isZero();
        assertThat(stats.retries()).isZero();
        assertThat(stats.healthy()).as("the backend answers; it refuses the event").isTrue();
        assertThat(failures).isEmpty();
        assertThat(rejected).singleElement().asString()
                .startsWith("rejected " + event.eventId() + " HTTP " + status)
                .contains("event_type: not a valid enumeration member");
        assertThat(stats.lastError()).contains("HTTP " + status, "not a valid enumeration member");
    }

    @Test
    void honoursRetryAfterInSeconds() {
        failFirst(1, new MockResponse().setResponseCode(429).setHeader("Retry-After", "7"));
        client = builder().build();
        client.logEvent(userInput("hello"));

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void honoursRetryAfterAsAnHttpDate() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now.plusSeconds(12),
                ZoneOffset.UTC));
        failFirst(1, new MockResponse().setResponseCode(503).setHeader("Retry-After", date));
        client = builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        client.logEvent(userInput("hello"));

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTheCapThenGivesUp() {
        server.respondWith(request -> new MockResponse().setResponseCode(503));
        client = builder().maxRetries(4).initialBackoff(Duration.ofSeconds(1)).backoffFactor(2.0)
                .maxBackoff(Duration.ofSeconds(5)).build();
        client.logEvent(userInput("hello"));

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(server.requests).hasSize(5);
        assertThat(server.deliveriesById).isEmpty();
        assertThat(sleeps).hasSize(4);
        // Jitter of +-50% around 1 s, 2 s, 4 s, then capped at 5 s.
        assertThat(sleeps.get(0).toMillis()).isBetween(500L, 1500L);
        assertThat(sleeps.get(1).toMillis()).isBetween(1000L, 3000L);
        assertThat(sleeps.get(2).toMillis()).isBetween(2000L, 5000L);
        assertThat(sleeps.get(3).toMillis()).isBetween(2500L, 5000L);
        assertThat(client.stats().eventsFailed()).isEqualTo(1);
        assertThat(client.stats().lastError()).contains("HTTP 503").contains("gave up after 5 attempts");
    }

    @Test
    void splitsABatchTheServerFindsTooLarge() {
        server.respondWith(request -> request.body().size() > 2 ? new MockResponse().setResponseCode(413)
                : new MockResponse().setResponseCode(202));
        client = builder().batchSize(8).build();
        for (int i = 0; i < 8; i++) {
            client.logEvent(userInput("event " + i));
        }

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(server.deliveriesById).hasSize(8).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(server.requests.stream().map(r -> r.body().size())).containsExactly(8, 4, 2, 2, 4, 2, 2);
    }

    @Test
    void dropsAndReportsASingleEventTheServerFindsTooLarge() {
        server.respondWith(request -> request.rawBody().length > 2000 ? new MockResponse().setResponseCode(413)
                : new MockResponse().setResponseCode(202));
        client = builder().batchSize(3).build();
        client.logEvent(userInput("small"));
        client.logEvent(userInput("x".repeat(5000)));
        client.logEvent(userInput("small too"));

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(server.events).extracting(e -> e.get("payload").get("input_text").asText())
                .containsExactly("small", "small too");
        assertThat(client.stats().dropped(DropReason.EVENT_TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void gzipsBodiesAndFallsBackToIdentityOn415() {
        server.respondWith(request -> "gzip".equals(request.header("Content-Encoding"))
                ? new MockResponse().setResponseCode(415) : new MockResponse().setResponseCode(202));
        client = builder().batchSize(1).gzip(true).build(); // gzip is off by default
        client.logEvent(userInput("one"));
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        client.logEvent(userInput("two"));
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(server.requests).extracting(r -> String.valueOf(r.header("Content-Encoding")))
                .containsExactly("gzip", "null", "null");
        assertThat(server.events).hasSize(2);
        assertThat(client.stats().retries()).isZero();
    }

    @Test
    void aBatchIsCompressedOnceAheadOfSendingAndCarriesItsLength() {
        AtomicInteger calls = new AtomicInteger();
        server.respondWith(request -> new MockResponse().setResponseCode(calls.incrementAndGet() == 1 ? 503 : 202));
        client = builder().batchSize(2).gzip(true).build();
        client.logEvent(userInput("one"));
        client.logEvent(userInput("two"));
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        // The retry sends the same compressed bytes: a fixed Content-Length, no chunked encoding.
        assertThat(server.requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.header("Transfer-Encoding")).isNull();
            assertThat(r.header("Content-Length")).isEqualTo(server.requests.get(0).header("Content-Length"));
        });
        assertThat(Integer.parseInt(server.requests.get(0).header("Content-Length"))).isPositive()
                .isLessThan(server.requests.get(0).rawBody().length + 64);
        assertThat(server.events).extracting(e -> e.get("payload").get("input_text").asText())
                .containsExactly("one", "two");
    }

    @Test
    void anUnserialisablePayloadIsDroppedAndTheRestOfItsBatchArrives() {
        client = builder().batchSize(3).build();
        client.logEvent(userInput("before"));
        client.logEvent(Event.builder(EventType.CUSTOM_EVENT).runId("11111111-1111-4111-8111-111111111111")
                .userId("user-1").payload(Map.of("name", "bad", "data", Map.of("value", new Exploding()))).build());
        client.logEvent(userInput("after"));

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
        assertThat(server.events).extracting(e -> e.get("payload").get("input_text").asText())
                .containsExactly("before", "after");
        assertThat(client.stats().dropped(DropReason.SERIALIZATION_ERROR)).isEqualTo(1);
    }

    /** A value whose getter throws, as user objects sometimes do. */
    public static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("lazy field not loaded");
        }
    }

    @Test
    void flushWaitsForTheBatchInFlight() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.respondWith(request -> {
            received.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new MockResponse().setResponseCode(202);
        });
        client = builder().batchSize(1).build();
        client.logEvent(userInput("in flight"));
        assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> flushed = CompletableFuture.supplyAsync(() -> client.flush(Duration.ofSeconds(10)));
        // The server has not answered, so the event is not delivered and flush cannot have returned.
        assertThat(flushed).isNotDone();
        release.countDown();
        assertThat(flushed.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.events).hasSize(1);
    }

    @Test
    void aFullBatchIsSentWithoutWaitingForTheFlushInterval() {
        client = builder().batchSize(5).build(); // flush interval: one hour
        for (int i = 0; i < 5; i++) {
            client.logEvent(userInput("event " + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.events.size() == 5);
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void aPartialBatchIsSentWhenTheFlushIntervalPasses() {
        client = builder().batchSize(1000).flushInterval(Duration.ofMillis(200)).build();
        client.logEvent(userInput("lonely"));
        // No flush() call: the interval alone sends it.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.events.size() == 1);
    }

    @Test
    void closeDeliversEverythingQueued() {
        client = builder().batchSize(50).build();
        for (int i = 0; i < 120; i++) {
            client.logEvent(userInput("event " + i));
        }
        client.close();

        assertThat(server.events).hasSize(120);
        assertThat(client.stats().eventsSent()).isEqualTo(120);
        assertThat(client.logEvent(userInput("late"))).isFalse();
        assertThat(client.stats().dropped(DropReason.CLIENT_CLOSED)).isEqualTo(1);
        client.close(); // idempotent
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EventExporter stuck = batch -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExportResult.success();
        };
        client = InsideLlmClient.builder().addExporter(stuck).shutdownHook(false).batchSize(1).maxQueueSize(10)
                .environment(n -> null).systemProperties(n -> null).build();
        int accepted = 0;
        for (int i = 0; i < 1000; i++) {
            if (client.logEvent(userInput("event " + i))) {
                accepted++;
            }
        }
        ClientStats stats = client.stats();
        // The queue, plus at most the batch being sent and the next one, which the flusher prepared meanwhile.
        assertThat(accepted).isBetween(10, 12);
        assertThat(stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(1000 - accepted);
        assertThat(stats.eventsQueued()).isEqualTo(accepted);
        assertThat(stats.queueCapacity()).isEqualTo(10);
        release.countDown();
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void deliveryGoesOnWhenSomethingInterruptsTheSenderThread() throws Exception {
        client = builder().batchSize(1).build();
        client.logEvent(userInput("before"));
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        Thread sender = clientThread("insidellm-sender-");
        sender.interrupt();
        sender.join(5_000);
        assertThat(sender.isAlive()).isFalse();

        client.logEvent(userInput("after"));
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(server.events).extracting(e -> e.get("payload").get("input_text").asText())
                .containsExactly("before", "after");
    }

    @Test
    void anInterruptOfTheFlusherThreadIsIgnored() throws Exception {
        client = builder().batchSize(1).build();
        client.logEvent(userInput("before"));
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        Thread flusher = clientThread("insidellm-flusher-");
        flusher.interrupt();

        for (int i = 0; i < 5; i++) {
            client.logEvent(userInput("after " + i));
        }
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(flusher.isAlive()).isTrue();
        assertThat(server.events).hasSize(6);
    }

    @Test
    void deliveryListenerCallsFromTheFlusherAndTheSenderNeverOverlap() throws Exception {
        CountDownLatch insideDelivered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
        client = builder().batchSize(1)
                .addProcessor(e -> "drop me".equals(e.payload().get("input_text")) ? null : e)
                .deliveryListener(new DeliveryListener() {
                    @Override
                    public void onDelivered(List<Event> events) {
                        inside.incrementAndGet();
                        insideDelivered.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        inside.decrementAndGet();
                    }

                    @Override
                    public void onDropped(DropReason reason, long count) {
                        overlapped.compareAndSet(false, inside.get() > 0);
                    }
                }).build();
        client.logEvent(userInput("kept"));
        assertThat(insideDelivered.await(10, TimeUnit.SECONDS)).isTrue();
        // The sender is inside onDelivered; the flusher now filters an event and reports the drop.
        client.logEvent(userInput("drop me"));
        client.flush(Duration.ofMillis(1));
        Thread flusher = clientThread("insidellm-flusher-");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> overlapped.get() || flusher.getState() == Thread.State.BLOCKED);
        release.countDown();

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(overlapped).isFalse();
        assertThat(client.stats().dropped(DropReason.FILTERED)).isEqualTo(1);
    }

    @Test
    void dropOldestKeepsTheNewestEvents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> exported = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        EventExporter exporter = batch -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batch.events().forEach(e -> exported.add((String) e.payload().get("input_text")));
            return ExportResult.success();
        };
        client = InsideLlmClient.builder().addExporter(exporter).shutdownHook(false).batchSize(1).maxQueueSize(3)
                .dropPolicy(DropPolicy.DROP_OLDEST).environment(n -> null).systemProperties(n -> null).build();
        client.logEvent(userInput("first"));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
        // The flusher takes the next event as the next batch while the first is being sent, then waits.
        client.logEvent(userInput("next"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().queueSize() == 0);
        for (int i = 0; i < 10; i++) {
            assertThat(client.logEvent(userInput("n" + i))).isTrue();
        }
        release.countDown();
        // The evicted events were settled (as drops) when they were evicted; flush waits for the rest.
        client.flush(Duration.ofSeconds(10));
        assertThat(exported).containsExactly("first", "next", "n7", "n8", "n9");
        assertThat(client.stats().dropped(DropReason.QUEUE_FULL)).isEqualTo(7);
    }

    @Test
    void aDeadServerNeverBlocksCallersAndMemoryStaysBounded() throws Exception {
        RecordingServer dead = new RecordingServer();
        String url = dead.baseUrl();
        dead.close();
        client = InsideLlmClient.builder().apiKey("k").baseUrl(url).shutdownHook(false).sleeper(sleeps::add)
                .maxQueueSize(1000).maxRetries(1).environment(n -> null).systemProperties(n -> null).build();
        for (int i = 0; i < 100_000; i++) {
            client.logEvent(userInput("event " + i));
            assertThat(client.stats().queueSize()).isLessThanOrEqualTo(1000);
        }
        ClientStats stats = client.stats();
        assertThat(stats.eventsQueued() + stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(100_000);
        assertThat(stats.dropped(DropReason.QUEUE_FULL)).isPositive();
        // After a few failed batches the circuit opens: the flusher stops draining and events wait in the queue.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.circuitStates().containsValue("OPEN"));
        assertThat(client.isHealthy()).isFalse();
        long failedWhenOpen = client.stats().eventsFailed();
        for (int i = 0; i < 5_000; i++) {
            client.logEvent(userInput("more " + i));
        }
        assertThat(client.stats().queueSize()).isEqualTo(1000);
        // At most the one batch in flight when the circuit opened is given up on afterwards; nothing more is drained.
        assertThat(client.stats().eventsFailed()).isLessThanOrEqualTo(failedWhenOpen + 50);
    }

    @Test
    void eightProducersTimesTenThousandEventsArriveExactlyOnce() throws Exception {
        client = server.clientBuilder().batchSize(500).maxQueueSize(100_000).flushInterval(Duration.ofMillis(50))
                .build();
        int producers = 8;
        int perProducer = 10_000;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> futures = new java.util.ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            futures.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < perProducer; i++) {
                    assertThat(client.logEvent(userInput(producer + ":" + i))).isTrue();
                }
            }, runnable -> new Thread(runnable).start()));
        }
        go.countDown();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(client.flush(Duration.ofSeconds(60))).isTrue();

        assertThat(server.deliveriesById).hasSize(producers * perProducer);
        assertThat(server.deliveriesById.values()).allMatch(count -> count == 1);
        assertThat(client.stats().eventsSent()).isEqualTo(producers * perProducer);
        assertThat(client.stats().eventsDropped()).isZero();
    }
}
