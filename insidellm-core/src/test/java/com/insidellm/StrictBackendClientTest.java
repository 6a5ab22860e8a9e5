package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a backend written from the Python SDK's documentation ({@link StrictBackend}): plain JSON only,
 * all-or-nothing 400 with per-event detail, 1.0.0's event types only. Reached through a host name that is not
 * loopback to the client ({@code backend.test}, resolved to the local server), so the client treats it like a
 * production backend.
 */
class StrictBackendClientTest {

    private StrictBackend backend;
    private OkHttpClient http;
    private final List<String> dropped = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        backend = new StrictBackend();
        InetAddress loopback = InetAddress.getByName(backend.server.getHostName());
        http = new OkHttpClient.Builder().dns(host -> List.of(loopback)).build();
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private InsideLlmClient.Builder client() {
        return InsideLlmClient.builder().apiKey("test-key")
                .baseUrl("http://backend.test:" + backend.server.getPort() + "/")
                .httpClient(http).shutdownHook(false).batchSize(100).flushInterval(Duration.ofHours(1))
                .environment(name -> null).systemProperties(name -> null)
                .deliveryListener(new DeliveryListener() {
                    @Override
                    public void onDropped(DropReason reason, List<Event> events, String detail) {
                        events.forEach(e -> dropped.add(reason + " " + e.eventId() + " " + detail));
                    }
                });
    }

    private static Event custom(String runId, String type, Map<String, ?> payload) {
        return Event.builder(EventType.fromWireValue(type)).runId(runId).userId("u1").payload(payload).build();
    }

    @Test
    void theDefaultClientSendsPlainJsonAndEveryEventArrives() {
        try (InsideLlmClient client = client().build()) {
            String run = client.startRun("u1");
            client.logEvent(Event.userInput(run, "u1", "hello"));
            client.endRun(run);

            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(client.stats().eventsSent()).isEqualTo(3);
        }
        assertThat(backend.requests).extracting(StrictBackend.Request::contentEncoding).containsOnly("null");
        assertThat(backend.accepted).hasSize(3);
    }

    @Test
    void aBatchWithInvalidEventsDeliversEveryValidOneAndCountsExactlyTheInvalidOnesAsRejected() {
        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        ClientStats stats;
        try (InsideLlmClient client = client().build()) {
            String run = client.startRun("u1");
            Event chainStart = custom(run, "chain.start", Map.of("chain_name", "qa"));
            Event input = Event.userInput(run, "u1", "hello");
            Event retrieval = custom(run, "retrieval.start", Map.of("query", "capital of France"));
            Event response = Event.agentResponse(run, "u1", "Paris");
            Event chainEnd = custom(run, "chain.end", Map.of("chain_name", "qa"));
            Event customEvent = custom(run, "custom.event", Map.of("name", "note"));
            for (Event e : List.of(chainStart, input, retrieval, response, chainEnd, customEvent)) {
                client.logEvent(e);
            }
            client.endRun(run);
            valid.addAll(List.of(input.eventId(), response.eventId()));
            invalid.addAll(List.of(chainStart.eventId(), retrieval.eventId(), chainEnd.eventId(),
                    customEvent.eventId()));

            assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
            stats = client.stats();
        }

        assertThat(backend.acceptedById.keySet()).containsAll(valid).doesNotContainAnyElementsOf(invalid);
        assertThat(backend.acceptedById).hasSize(4).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
        assertThat(backend.accepted).extracting(e -> e.get("event_type").asText())
                .containsExactlyInAnyOrder("run.start", "user.input", "agent.response", "run.end");
        assertThat(stats.eventsSent()).isEqualTo(4);
        assertThat(stats.dropped(DropReason.REJECTED)).isEqualTo(4);
        assertThat(stats.eventsFailed()).isZero();
        assertThat(stats.lastError()).contains("event_type");
        assertThat(dropped).hasSize(4).allSatisfy(line -> assertThat(line).contains("HTTP 400", "event_type"));
        assertThat(dropped).extracting(line -> line.split(" ")[1]).containsExactlyInAnyOrderElementsOf(invalid);
    }

    @Test
    void bisectingOneInvalidEventAmongEightCostsSixExtraRequests() {
        try (InsideLlmClient client = client().build()) {
            String run = "00000000-0000-4000-8000-000000000008";
            for (int i = 0; i < 8; i++) {
                client.logEvent(i == 5 ? custom(run, "custom.event", Map.of("name", "x"))
                        : Event.userInput(run, "u1", "message " + i));
            }
            client.flush(Duration.ofSeconds(10));

            assertThat(client.stats().eventsSent()).isEqualTo(7);
            assertThat(client.stats().dropped(DropReason.REJECTED)).isEqualTo(1);
        }
        // [8] refused -> [4] ok + [4] refused -> [2] ok + [2] refused -> [1] ok + [1] dropped: 1 + 2 + 2 + 2.
        assertThat(backend.requests).hasSize(7);
    }

    @Test
    void gzipTurnedOnFallsBackToPlainJsonAfterOne400AndStaysThere() {
        try (LogCapture logs = new LogCapture(); InsideLlmClient client = client().gzip(true).build()) {
            String run = client.startRun("u1");
            client.logEvent(Event.userInput(run, "u1", "hello"));
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            client.logEvent(Event.userInput(run, "u1", "again"));
            client.endRun(run);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(client.stats().eventsSent()).isEqualTo(4);
            assertThat(client.stats().dropped(DropReason.REJECTED)).isZero();
            assertThat(logs.sdkWarnings()).singleElement().asString().contains("gzip", "INSIDELLM_GZIP");
        }
        assertThat(backend.requests).extracting(r -> r.contentEncoding() + " " + r.status())
                .containsExactly("gzip 400", "null 202", "null 202");
        assertThat(backend.accepted).hasSize(4);
    }
}
