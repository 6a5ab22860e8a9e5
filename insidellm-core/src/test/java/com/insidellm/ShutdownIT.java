package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** close() while the application is still logging: what was accepted is delivered, and the SDK's threads end. */
class ShutdownIT {

    private static final int THREADS = 4;

    /** Acknowledges every request and remembers the event ids it received. */
    static final class Collecting extends Dispatcher {
        final Set<String> received = ConcurrentHashMap.newKeySet();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            for (JsonNode event : IngestBodies.events(request)) {
                received.add(event.get("event_id").asText());
            }
            return new MockResponse().setResponseCode(202);
        }
    }

    @Test
    @Timeout(60)
    void closeUnderLoadDeliversEveryAcceptedEventAndRefusesTheRestWithAReason() throws Exception {
        Collecting dispatcher = new Collecting();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(dispatcher);
            server.start();
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("test-key")
                    .baseUrl(server.url("/").toString())
                    .batchSize(200)
                    .maxQueueSize(20_000)
                    .shutdownHook(false)
                    .build();
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicLong refused = new AtomicLong();
            CountDownLatch logging = new CountDownLatch(THREADS);
            ExecutorService producers = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(producers.submit(() -> {
                    logging.countDown();
                    // Log until the client has been closed and has refused a good number of calls.
                    long refusedHere = 0;
                    for (int i = 0; refusedHere < 1_000; i++) {
                        Event event = Event.userInput("00000000-0000-4000-8000-000000000004", "user", "m" + i);
                        if (client.logEvent(event)) {
                            accepted.add(event.eventId());
                        } else {
                            refused.incrementAndGet();
                            if (client.stats().dropped(DropReason.CLIENT_CLOSED) > 0) {
                                refusedHere++;
                            }
                        }
                    }
                }));
            }
            logging.await();
            await().atMost(Duration.ofSeconds(20)).until(() -> dispatcher.received.size() >= 5_000);

            client.close(Duration.ofSeconds(20));
            for (Future<?> f : done) {
                f.get();
            }
            producers.shutdown();
            ClientStats stats = client.stats();

            assertThat(stats.dropped(DropReason.SHUTDOWN_TIMEOUT)).as("accepted events lost at close: %s", stats)
                    .isZero();
            assertThat(dispatcher.received).containsAll(accepted);
            assertThat(dispatcher.received).hasSameSizeAs(accepted);
            assertThat(stats.eventsSent()).isEqualTo(accepted.size());
            assertThat(stats.dropped(DropReason.CLIENT_CLOSED) + stats.dropped(DropReason.QUEUE_FULL))
                    .isEqualTo(refused.get());
            assertThat(stats.dropped(DropReason.CLIENT_CLOSED)).isPositive();
        }
    }

    @Test
    @Timeout(60)
    void noNonDaemonThreadAndNoSdkThreadRemainsAfterClose() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Collecting());
            server.start();
            Set<Thread> before = ThreadLeaks.snapshot();
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("test-key")
                    .baseUrl(server.url("/").toString())
                    .build();
            for (int i = 0; i < 1_000; i++) {
                client.logEvent(Event.userInput("00000000-0000-4000-8000-000000000005", "user", "m" + i));
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(ThreadLeaks.startedSince(before)).anyMatch(t -> t.getName().startsWith("insidellm-flusher"));

            client.close();

            await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Set<Thread> left = ThreadLeaks.startedSince(before);
                assertThat(left).as("threads left: %s", ThreadLeaks.describe(left))
                        .noneMatch(t -> !t.isDaemon())
                        .noneMatch(t -> t.getName().startsWith("insidellm"));
            });
        }
    }
}
