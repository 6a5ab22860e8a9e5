package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.ClientStats;
import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real SDK client ({@code insidellm-core}) sending to the real collector, checked through the query API. */
class SdkEndToEndIT {

    static final String KEY = "e2e-key-12345";

    @TempDir Path dir;
    InsideLlmCollector collector;
    Api api;

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).apiKey(KEY).databasePath(dir.resolve("e2e.db")).build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private InsideLlmClient client(String key) {
        return InsideLlmClient.builder().apiKey(key).baseUrl(collector.baseUrl().toString()).shutdownHook(false)
                .build();
    }

    @Test
    void eventsSentThroughTheSdkAreStoredAndQueryable() {
        String runId;
        try (InsideLlmClient client = client(KEY)) {
            runId = client.startRun("alice");
            client.logEvent(Event.userInput(runId, "alice", "What is the capital of France?"));
            Event request = Event.of(runId, "alice", new Payload.LlmRequest("gpt-4o", "openai",
                    "What is the capital of France?", null, "Answer briefly.",
                    List.of(Map.of("role", "system", "content", "Answer briefly."),
                            Map.of("role", "user", "content", "What is the capital of France?"))));
            client.logEvent(request);
            client.logEvent(Event.builder(com.insidellm.EventType.LLM_RESPONSE).runId(runId).userId("alice")
                    .parentEventId(request.eventId())
                    .payload(new Payload.LlmResponse("gpt-4o", "openai", "Paris.", "stop", TokenUsage.of(12, 3), 420L,
                            0.0004))
                    .build());
            client.logEvent(Event.toolCall(runId, "alice", "lookup", "function", Map.of("q", "France")));
            client.endRun(runId);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(client.stats().eventsFailed()).isZero();
        }

        JsonNode run = api.getJson("/api/v1/runs/" + runId);
        List<String> types = new ArrayList<>();
        run.get("events").forEach(e -> types.add(e.at("/event/event_type").asText()));
        assertThat(types).containsExactly("run.start", "user.input", "llm.request", "llm.response", "tool.call",
                "run.end");
        assertThat(run.at("/run/user_id").asText()).isEqualTo("alice");
        assertThat(run.at("/run/llm_calls").asInt()).isEqualTo(1);
        assertThat(run.at("/run/tokens").asInt()).isEqualTo(15);
        assertThat(run.at("/run/ended").asBoolean()).isTrue();
        assertThat(run.get("events").get(3).at("/event/parent_event_id").asText())
                .isEqualTo(run.get("events").get(2).at("/event/event_id").asText());
        JsonNode stats = api.getJson("/api/v1/stats/models");
        assertThat(stats.at("/models/0/model").asText()).isEqualTo("gpt-4o");
        assertThat(stats.at("/models/0/latency_p50_ms").asDouble()).isEqualTo(420.0);
        assertThat(api.getJson("/api/v1/events?q=capital%20of%20France").get("events")).hasSize(2);
    }

    @Test
    void eventsTheCollectorRejectsAreCountedAsRejectedByTheSdkAndByTheCollector() {
        ClientStats stats;
        String runId;
        try (InsideLlmClient client = client(KEY)) {
            runId = client.startRun("alice");
            // Passes the SDK's builder (the name is not checked for a map payload), refused by the collector.
            client.logEvent(Event.builder(EventType.CUSTOM_EVENT).runId(runId).userId("alice")
                    .payload(Map.of("name", 42)).build());
            client.logEvent(Event.userInput(runId, "alice", "hello"));
            client.endRun(runId);
            assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
            stats = client.stats();
        }

        assertThat(stats.eventsSent()).isEqualTo(3);
        assertThat(stats.dropped(DropReason.REJECTED)).isEqualTo(1);
        assertThat(stats.eventsFailed()).isZero();
        assertThat(stats.lastError()).contains("payload.name");
        assertThat(api.getJson("/api/v1/runs/" + runId).get("events")).hasSize(3);
        JsonNode ingest = api.getJson("/health").get("ingest");
        assertThat(ingest.get("rejected").asLong()).isEqualTo(1);
        assertThat(ingest.get("last_rejection").asText()).contains("payload.name");
    }

    @Test
    void eventsRecordedInTheSdksLocalModeCanBeImportedAndBrowsed() {
        Path local = dir.resolve("app/.insidellm/events");
        String runId;
        try (InsideLlmClient client = InsideLlmClient.builder().localMode(local).shutdownHook(false).build()) {
            runId = client.startRun("offline-user");
            client.logEvent(Event.userInput(runId, "offline-user", "recorded without a collector"));
            client.endRun(runId);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }

        InsideLlmCollector.ImportResult imported = collector.importEvents(local);

        assertThat(imported.accepted()).isEqualTo(3);
        assertThat(imported.rejected()).isZero();
        JsonNode run = api.getJson("/api/v1/runs/" + runId);
        assertThat(run.at("/run/user_id").asText()).isEqualTo("offline-user");
        assertThat(run.get("events").get(1).at("/event/payload/input_text").asText())
                .isEqualTo("recorded without a collector");
    }

    @Test
    void aWrongKeyIsRejectedAndNothingIsStored() {
        try (InsideLlmClient client = client("wrong-key-999")) {
            String runId = client.startRun("mallory");
            client.logEvent(Event.userInput(runId, "mallory", "let me in"));
            client.flush(Duration.ofSeconds(10));
            assertThat(client.stats().eventsSent()).isZero();
            assertThat(client.stats().lastError()).contains("401");
        }
        assertThat(api.getJson("/api/v1/runs").get("total").asInt()).isZero();
    }

    @Test
    void acceptsEveryEventTypeExactlyAsTheSdkSerialisesIt() throws Exception {
        // The core module's golden wire file: one event of each of the 24 types, as the Java SDK writes them.
        Path golden = Path.of("../insidellm-core/src/test/resources/com/insidellm/wire-golden.jsonl");
        assertThat(golden).exists();
        StringBuilder array = new StringBuilder("[");
        for (String line : Files.readAllLines(golden)) {
            if (!line.isBlank()) {
                array.append(array.length() > 1 ? "," : "").append(line);
            }
        }
        array.append(']');

        Api.Response r = api.ingest(array.toString(), "Authorization", "Bearer " + KEY);

        assertThat(r.json().get("rejected")).isEmpty();
        assertThat(r.json().get("accepted").asInt()).isEqualTo(24);
    }
}
