package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * At-least-once delivery through a backend that misbehaves in every way it can without being down: every event
 * of a 100,000-event run from four threads is acknowledged, and de-duplicating by {@code event_id} leaves exactly
 * the events that were logged.
 */
class FlappingServerIT {

    private static final int THREADS = 4;
    private static final int EVENTS_PER_THREAD = 25_000;
    private static final int EVENTS = THREADS * EVENTS_PER_THREAD;

    /**
     * Misbehaves by request number, so every run sees the same sequence: of every 10 requests, one is refused with
     * 503, one has its connection dropped after the body was read, one is throttled with 429 and
     * {@code Retry-After: 0}, one is answered slowly, and every 25th answer comes after the client's timeout (the
     * server keeps the batch, the client sends it again: a duplicate the backend de-duplicates by event id).
     */
    static final class FlappingDispatcher extends Dispatcher {
        final AtomicInteger requests = new AtomicInteger();
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicLong acknowledgedWithDuplicates = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            int n = requests.incrementAndGet();
            if (n % 25 == 0) {
                acknowledge(request);
                return new MockResponse().setResponseCode(200).setHeadersDelay(800, TimeUnit.MILLISECONDS);
            }
            switch (n % 10) {
                case 1:
                    failures.incrementAndGet();
                    return new MockResponse().setResponseCode(503).setBody("try later");
                case 4:
                    failures.incrementAndGet();
                    return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
                case 7:
                    failures.incrementAndGet();
                    return new MockResponse().setResponseCode(429).setHeader("Retry-After", "0");
                case 9:
                    acknowledge(request);
                    return new MockResponse().setResponseCode(202).setHeadersDelay(50, TimeUnit.MILLISECONDS);
                default:
                    acknowledge(request);
                    return new MockResponse().setResponseCode(202);
            }
        }

        private void acknowledge(RecordedRequest request) {
            for (JsonNode event : IngestBodies.events(request)) {
                acknowledged.add(event.get("event_id").asText());
                acknowledgedWithDuplicates.incrementAndGet();
            }
        }
    }

    @Test
    @Timeout(120)
    void everyEventArrivesAndNoneTwiceAfterDeduplicationThroughAFlappingServer() throws Exception {
        FlappingDispatcher dispatcher = new FlappingDispatcher();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(dispatcher);
            server.start();
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("test-key")
                    .baseUrl(server.url("/").toString())
                    .batchSize(500)
                    .maxQueueSize(EVENTS)
                    .maxRetries(20)
                    .initialBackoff(Duration.ofMillis(5))
                    .maxBackoff(Duration.ofMillis(50))
                    .circuitOpenDuration(Duration.ofMillis(100))
                    .requestTimeout(Duration.ofMillis(500))
                    .shutdownHook(false)
                    .build();
            String runId = "00000000-0000-4000-8000-000000000001";
            Set<String> logged = ConcurrentHashMap.newKeySet();
            ExecutorService producers = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    done.add(producers.submit(() -> {
                        for (int i = 0; i < EVENTS_PER_THREAD; i++) {
                            Event event = Event.userInput(runId, "user-" + thread, "message " + i);
                            assertThat(client.logEvent(event)).isTrue();
                            logged.add(event.eventId());
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                producers.shutdown();
            }

            assertThat(client.flush(Duration.ofSeconds(90))).isTrue();
            ClientStats stats = client.stats();
            client.close();

            assertThat(logged).hasSize(EVENTS);
            assertThat(dispatcher.acknowledged).isEqualTo(logged);
            assertThat(stats.eventsSent()).isEqualTo(EVENTS);
            assertThat(stats.eventsDropped()).isZero();
            assertThat(stats.eventsFailed()).isZero();
            // The misbehaviour really happened: retries were needed and the timeouts produced duplicates.
            assertThat(stats.retries()).isGreaterThanOrEqualTo(dispatcher.failures.get());
            assertThat(dispatcher.failures.get()).isGreaterThan(10);
            assertThat(dispatcher.acknowledgedWithDuplicates.get()).isGreaterThan(EVENTS);
        }
    }
}
