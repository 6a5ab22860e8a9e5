package com.insidellm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.collector.InsideLlmCollector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo's entry point as {@code ./demo.sh --ci} does (on a free port and a temporary database), then opens
 * that database with a new collector and checks what the examples recorded.
 */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void nonInteractiveDemoRecordsEveryExampleInTheCollector() {
        Path database = dir.resolve("events.db");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        int exitCode = Demo.run(new String[] {"--ci", "--port", "0", "--db", database.toString()}, out, out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(printed).isZero();
        assertThat(printed).contains("What the collector received", "LLM calls", "tokens", "cost", "viewer      http://",
                        "GET /actuator/health/insidellm -> {\"status\":\"UP\"", "\"name\":\"insidellm.events.queued\"")
                .doesNotContain("FAILED");

        try (InsideLlmCollector collector = InsideLlmCollector.builder().port(0).databasePath(database).build()) {
            collector.start();
            URI url = collector.baseUrl();
            Demo.Summary summary = Demo.summarize(url, List.of());

            // QuickStart, TrackerExample and the LangChain4j conversation make one run each; the Spring Boot app one
            // per HTTP request (two); the Spring AI conversation one (its conversation id); each provider SDK example
            // one (OpenAI and Gemini threaded automatically, Anthropic in its tracker).
            assertThat(summary.runs()).isEqualTo(9);
            assertThat(summary.eventsByType())
                    .containsEntry("run.start", 9L)
                    .containsEntry("agent.planning", 1L)
                    .containsEntry("agent.reasoning", 4L)
                    .containsEntry("error", 1L);
            // QuickStart and TrackerExample make one model call each, @TrackLlmCall one per request, the AI
            // services at least two per turn (the tool call, then the answer): 2 + 2 + 2 * 2 + 2 * 2; the OpenAI SDK
            // example two per turn over two turns, the Anthropic and Gemini ones two each.
            assertThat(summary.eventsByType().get("llm.response")).isGreaterThanOrEqualTo(20L);
            assertThat(summary.llmCalls()).isEqualTo(summary.eventsByType().get("llm.response"));
            assertThat(summary.eventsByType().get("tool.call")).isGreaterThanOrEqualTo(9L);
            assertThat(summary.eventsByType().get("tool.response")).isEqualTo(summary.eventsByType().get("tool.call"));
            assertThat(summary.tokens()).isPositive();
            assertThat(summary.cost()).isPositive();

            assertThat(payloads(url, "tool.call")).extracting(p -> p.path("tool_name").asText())
                    .contains("get_forecast", "check_calendar", "currentWeather", "convertCurrency", "orderStatus",
                            "order_api", "current_weather", "currentWeatherIn", "convertMoney");
            assertSpringAiConversationIsOneRunWithItsTools(url);
            // The provider SDK examples' model calls, each with its provider and its answer.
            assertThat(payloads(url, "llm.response")).extracting(p -> p.path("provider").asText())
                    .contains("openai", "anthropic", "google");
            assertThat(payloads(url, "llm.response")).filteredOn(p -> p.path("provider").asText().equals("anthropic"))
                    .anySatisfy(p -> assertThat(p.path("response_text").asText()).contains("Paris"));
            assertThat(payloads(url, "llm.response")).anySatisfy(p -> {
                assertThat(p.path("model_name").asText()).startsWith("gpt-4o-mini");
                assertThat(p.path("usage").path("total_tokens").asInt()).isPositive();
                assertThat(p.path("response_text").asText()).contains("129.6 US dollars");
            });
            assertThat(payloads(url, "llm.response")).extracting(p -> p.path("response_text").asText())
                    .contains("Order status question")                                      // @TrackLlmCall
                    .anyMatch(text -> text.contains("AB-1234 left the warehouse"));         // the Spring AI service
            assertThat(payloads(url, "error")).singleElement().satisfies(p -> {
                assertThat(p.path("error_type").asText()).isEqualTo("tool_error");
                assertThat(p.path("error_message").asText()).isEqualTo("calendar service unavailable (HTTP 503)");
            });

            // TrackerExample's run is a tree: the failed tool call's response and error name the call as parent.
            String runId = Demo.get(url, "/api/v1/runs?user=user-42").path("runs").path(0).path("run_id").asText();
            JsonNode run = Demo.get(url, "/api/v1/runs/" + runId);
            assertThat(run.path("run").path("ended").asBoolean()).isTrue();
            List<JsonNode> events = new ArrayList<>();
            run.path("events").forEach(item -> events.add(item.path("event")));
            JsonNode calendarCall = events.stream()
                    .filter(e -> e.path("event_type").asText().equals("tool.call"))
                    .filter(e -> e.path("payload").path("tool_name").asText().equals("check_calendar"))
                    .findFirst().orElseThrow();
            assertThat(events).filteredOn(e -> e.path("parent_event_id").asText()
                            .equals(calendarCall.path("event_id").asText()))
                    .extracting(e -> e.path("event_type").asText() + " success=" + e.path("payload").path("success"))
                    .containsExactlyInAnyOrder("tool.response success=false", "error success=");
            JsonNode llmResponse = events.stream().filter(e -> e.path("event_type").asText().equals("llm.response"))
                    .findFirst().orElseThrow();
            assertThat(events).filteredOn(e -> e.path("event_id").asText()
                            .equals(llmResponse.path("parent_event_id").asText()))
                    .extracting(e -> e.path("event_type").asText()).containsExactly("llm.request");
        }
    }

    /**
     * SpringAiAgent's two turns (the second streamed) are one run, named by the chat-memory conversation id, and each
     * tool the model asked for is a child of that model call's request.
     */
    private static void assertSpringAiConversationIsOneRunWithItsTools(URI url) {
        List<JsonNode> toolCalls = new ArrayList<>();
        for (JsonNode item : Demo.get(url, "/api/v1/events?limit=1000&type=tool.call").path("events")) {
            String tool = item.path("event").path("payload").path("tool_name").asText();
            if (tool.equals("currentWeatherIn") || tool.equals("convertMoney")) {
                toolCalls.add(item.path("event"));
            }
        }
        assertThat(toolCalls).hasSize(2);
        String runId = toolCalls.get(0).path("run_id").asText();
        assertThat(toolCalls.get(1).path("run_id").asText()).isEqualTo(runId);
        List<JsonNode> events = new ArrayList<>();
        Demo.get(url, "/api/v1/runs/" + runId).path("events").forEach(item -> events.add(item.path("event")));
        assertThat(events).filteredOn(e -> e.path("event_type").asText().equals("run.start")).singleElement()
                .satisfies(start -> assertThat(start.path("payload").path("initial_context").path("conversation_id")
                        .asText()).isEqualTo("trip-to-paris-42"));
        for (JsonNode call : toolCalls) {
            String parent = call.path("parent_event_id").asText();
            assertThat(events).filteredOn(e -> e.path("event_id").asText().equals(parent))
                    .extracting(e -> e.path("event_type").asText()).containsExactly("llm.request");
        }
        assertThat(events).filteredOn(e -> e.path("event_type").asText().equals("llm.request"))
                .extracting(e -> e.path("payload").path("stream").asBoolean()).containsExactlyInAnyOrder(false, true);
    }

    private static List<JsonNode> payloads(URI collector, String type) {
        List<JsonNode> payloads = new ArrayList<>();
        for (JsonNode item : Demo.get(collector, "/api/v1/events?limit=1000&type=" + type).path("events")) {
            payloads.add(item.path("event").path("payload"));
        }
        return payloads;
    }
}
