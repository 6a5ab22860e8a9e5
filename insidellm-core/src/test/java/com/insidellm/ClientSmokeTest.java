package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

class ClientSmokeTest {

    @Test
    void quickStartDeliversAllEventsAsOneGzipBatch() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(202));
            server.start();
            InsideLlmClient client = InsideLlmClient.builder()
                    .apiKey("test-key")
                    .baseUrl(server.url("/").toString())
                    .batchSize(50)
                    .flushInterval(Duration.ofSeconds(5))
                    .maxQueueSize(10_000)
                    .maxRetries(3)
                    .build();
            String runId = client.startRun("user-123");
            client.logEvent(Event.userInput(runId, "user-123", "Hello, AI assistant!"));
            client.logEvent(Event.builder(EventType.PERFORMANCE_METRIC)
                    .runId(runId).userId("user-123")
                    .payload(Map.of("metric_name", "response_time", "metric_value", 250, "metric_unit", "ms"))
                    .build());
            client.endRun(runId);
            assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
            ClientStats stats = client.stats();
            client.close();

            RecordedRequest request = server.takeRequest();
            assertThat(request.getPath()).isEqualTo("/api/v1/ingest");
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-key");
            assertThat(request.getHeader("Content-Encoding")).isEqualTo("gzip");
            JsonNode body = new ObjectMapper().readTree(new GZIPInputStream(request.getBody().inputStream()));
            assertThat(body).hasSize(4);
            assertThat(body.get(0).get("event_type").asText()).isEqualTo("run.start");
            assertThat(body.get(3).get("event_type").asText()).isEqualTo("run.end");
            assertThat(stats.eventsSent()).isEqualTo(4);
            assertThat(stats.successRate()).isEqualTo(100.0);
        }
    }
}
