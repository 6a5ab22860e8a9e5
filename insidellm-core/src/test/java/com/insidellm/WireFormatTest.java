package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins the exact JSON of every event type, as a real HTTP server receives it. */
class WireFormatTest {

    private static final String RUN = "11111111-1111-4111-8111-111111111111";
    private static final Instant AT = Instant.parse("2025-06-04T17:47:23.123456789Z");

    private static String id(int n) {
        return String.format("00000000-0000-4000-8000-%012d", n);
    }

    private static Event.Builder event(int n, Payload payload) {
        return Event.builder(payload.type()).eventId(id(n)).runId(RUN).userId("user-123").timestamp(AT)
                .payload(payload);
    }

    static List<Event> oneOfEachType() {
        List<Event> events = new ArrayList<>();
        events.add(event(1, new Payload.UserInput("Hello, AI assistant!")).metadata("env", "test").build());
        events.add(event(2, new Payload.UserFeedback("rating", 5, id(5), "great")).build());
        events.add(event(3, new Payload.AgentReasoning("chain_of_thought", List.of("read", "think"), 0.9, 12L))
                .parentEventId(id(1)).build());
        events.add(event(4, new Payload.AgentPlanning("sequential", List.of(Map.of("action", "search")))).build());
        events.add(event(5, new Payload.AgentResponse("Hi! How can I help?")).build());
        events.add(event(6, new Payload.LlmRequest("gpt-4o", "openai", "Say hi", Map.of("temperature", 0.2),
                "Be brief.", null)).build());
        events.add(event(7, new Payload.LlmResponse("gpt-4o", "openai", "Hi", "stop", TokenUsage.of(10, 2), 321L,
                0.0125)).parentEventId(id(6)).payloadEntry("time_to_first_token_ms", 80).build());
        events.add(event(8, new Payload.LlmStreamingChunk("gpt-4o", "openai", "Hi", 0, false, null)).build());
        events.add(event(9, new Payload.ToolCall("calculator", "function", Map.of("expression", "2+2"), "call_1"))
                .build());
        events.add(event(10, new Payload.ToolResponse("calculator", "function", "call_1", null, 3L, true, null))
                .parentEventId(id(9)).build());
        events.add(event(11, new Payload.FunctionExecution("plan", Map.of("task", "x"), "done", 7L, true, null))
                .build());
        events.add(event(12, new Payload.ApiRequest("weather", "/v1/forecast", "GET", null, Map.of("city", "Paris"),
                null)).build());
        events.add(event(13, new Payload.ApiResponse("weather", "/v1/forecast", 200, null, Map.of("temp", 21), 40L))
                .build());
        events.add(event(14, new Payload.Error("llm_error", "boom", "E1", null, null, null)).build());
        events.add(event(15, new Payload.ValidationError("answer", List.of("non_empty", "json"), List.of("json"),
                null)).build());
        events.add(event(16, new Payload.TimeoutError("llm_call", 30_000, 5_000L, null)).build());
        events.add(event(17, new Payload.RunStart(RUN, null, Map.of("app", "demo"))).build());
        events.add(event(18, new Payload.RunEnd(RUN, 1500L, null, "completed")).build());
        events.add(event(19, new Payload.PerformanceMetric("response_time", 250, "ms")).build());
        events.add(event(20, new Payload.ChainStart("Assistant.chat", Map.of("message", "hi"), "ai_service")).build());
        events.add(event(21, new Payload.ChainEnd("Assistant.chat", null, 900L, false, "failed"))
                .parentEventId(id(20)).build());
        events.add(event(22, new Payload.RetrievalStart("refund policy", "docs", null)).build());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("content", "30 days");
        doc.put("score", 0.8);
        doc.put("metadata", Map.of());
        events.add(event(23, new Payload.RetrievalEnd("refund policy", List.of(doc), 15L)).build());
        events.add(event(24, new Payload.Custom("checkout", Map.of("items", 2))).build());
        return events;
    }

    @Test
    void everyEventTypeArrivesExactlyInTheWireFormat() throws Exception {
        List<Event> events = oneOfEachType();
        Set<EventType> covered = EnumSet.noneOf(EventType.class);
        events.forEach(e -> covered.add(e.type()));
        assertThat(covered).containsExactlyInAnyOrder(EventType.values());

        List<String> golden;
        try (InputStream in = getClass().getResourceAsStream("wire-golden.jsonl")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        try (RecordingServer server = new RecordingServer()) {
            InsideLlmClient client = server.clientBuilder().batchSize(100).gzip(false).build();
            events.forEach(client::logEvent);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            client.close();

            assertThat(server.requests).hasSize(1);
            String rawBody = new String(server.requests.get(0).rawBody(), StandardCharsets.UTF_8);
            // The body is a JSON array of exactly the golden objects, byte for byte.
            assertThat(rawBody).isEqualTo("[" + String.join(",", golden) + "]");
            JsonNode body = server.requests.get(0).body();
            assertThat(body.isArray()).isTrue();
            assertThat(server.requests.get(0).header("Content-Type")).startsWith("application/json");
            // The version comes from a build-filtered resource next to internal.Version: "unknown" means it was not found.
            assertThat(server.requests.get(0).header("User-Agent")).startsWith("insidellm-java/")
                    .isNotEqualTo("insidellm-java/unknown");
        }
    }

    @Test
    void timestampsHaveMicrosecondsAndZEvenOnWholeSeconds() throws Exception {
        Event event = Event.builder(EventType.USER_INPUT).runId(RUN).userId("u")
                .timestamp(Instant.parse("2025-01-01T00:00:00Z")).payload(new Payload.UserInput("x")).build();
        assertThat(com.insidellm.internal.WireJson.formatTimestamp(event.timestamp()))
                .isEqualTo("2025-01-01T00:00:00.000000Z");
    }

    @Test
    void uppercaseIdsAreSentInCanonicalLowercase() {
        Event event = Event.builder(EventType.USER_INPUT).runId(RUN.toUpperCase()).userId("u")
                .eventId("ABCDEF00-0000-4000-8000-000000000001").payload(new Payload.UserInput("x")).build();
        assertThat(event.runId()).isEqualTo(RUN);
        assertThat(event.eventId()).isEqualTo("abcdef00-0000-4000-8000-000000000001");
    }
}
