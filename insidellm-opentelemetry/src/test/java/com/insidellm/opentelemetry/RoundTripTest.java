package com.insidellm.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.InsideLlmClient;
import com.insidellm.collector.InsideLlmCollector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same run recorded twice into one collector: once sent directly by the SDK, once as SDK events -> spans (this
 * module, standalone OTLP mode) -> OTLP/HTTP -> the collector's receiver. Both must show the same run tree, times and
 * numbers.
 */
class RoundTripTest {

    private static final String KEY = "round-trip-key-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void eventsThroughOpenTelemetryReachTheCollectorAsTheSameRunAsWhenSentDirectly() throws Exception {
        try (InsideLlmCollector collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("c.db"))
                .apiKey(KEY).build()) {
            collector.start();
            AgentScenario direct = new AgentScenario();
            try (InsideLlmClient client = InsideLlmClient.builder().apiKey(KEY)
                    .baseUrl(collector.baseUrl().toString()).shutdownHook(false).build()) {
                direct.logTo(client);
            }
            AgentScenario viaOtel = new AgentScenario();
            try (InsideLlmClient client = InsideLlmClient.builder().shutdownHook(false)
                    .addExporter(OpenTelemetryExporter.builder()
                            .otlpEndpoint(collector.baseUrl() + "/v1/traces")
                            .otlpHeader("Authorization", "Bearer " + KEY)
                            .captureContent(true).serviceName("round-trip").build())
                    .build()) {
                viaOtel.logTo(client);
            } // closing the client shuts the exporter down, which delivers its spans

            JsonNode runs = get(collector.baseUrl(), "/api/v1/runs").get("runs");
            assertThat(runs).hasSize(2);
            JsonNode directRun = null;
            JsonNode otelRun = null;
            for (JsonNode r : runs) {
                if (r.get("run_id").asText().equals(direct.runId)) {
                    directRun = r;
                } else {
                    otelRun = r;
                }
            }
            assertThat(directRun).isNotNull();
            assertThat(otelRun).isNotNull();
            for (String number : List.of("llm_calls", "tokens", "cost", "errors", "duration_ms")) {
                assertThat(otelRun.get(number)).as(number).isEqualTo(directRun.get(number));
            }
            // The streamed chunk only feeds the time to first chunk; it is not an event of its own over OTLP.
            assertThat(otelRun.get("event_count").asInt()).isEqualTo(directRun.get("event_count").asInt() - 1);

            List<String> directTree = tree(get(collector.baseUrl(), "/api/v1/runs/" + directRun.get("run_id")
                    .asText()));
            List<String> otelTree = tree(get(collector.baseUrl(), "/api/v1/runs/" + otelRun.get("run_id").asText()));
            directTree.removeIf(line -> line.contains("llm.streaming_chunk"));
            assertThat(otelTree).containsExactlyElementsOf(directTree);
        }
    }

    /**
     * One line per event in time order: its time, type, the chain of types up to the run (a link to the run's
     * {@code run.start} is the same as no link: the receiver cannot tell which spans' parent is the run before the
     * root span arrives, so it links to the run's start), what feedback targets, and the facts that must survive.
     */
    private static List<String> tree(JsonNode run) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode e : run.get("events")) {
            byId.put(e.at("/event/event_id").asText(), e.get("event"));
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode e : run.get("events")) {
            JsonNode event = e.get("event");
            StringBuilder line = new StringBuilder(event.get("timestamp").asText()).append(' ')
                    .append(event.get("event_type").asText());
            JsonNode parent = byId.get(event.path("parent_event_id").asText());
            while (parent != null && !parent.get("event_type").asText().equals("run.start")) {
                line.append(" <- ").append(parent.get("event_type").asText());
                parent = byId.get(parent.path("parent_event_id").asText());
            }
            JsonNode p = event.get("payload");
            JsonNode target = byId.get(p.path("target_event_id").asText());
            if (target != null) {
                line.append(" target=").append(target.get("event_type").asText());
            }
            for (String fact : List.of("model_name", "provider", "prompt", "response_text", "finish_reason", "usage",
                    "cost", "response_time_ms", "tool_name", "call_id", "success", "chain_name", "metric_name",
                    "metric_value", "feedback_type", "feedback_value", "input_text", "exit_reason")) {
                if (p.hasNonNull(fact)) {
                    line.append(' ').append(fact).append('=').append(p.get(fact));
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private JsonNode get(URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
