package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's events pass the collector's own validation, and a quiet gateway run ends with run.end. */
class GatewayRecorderTest {

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aQuietRunEndsAfterTheIdleTimeWithRunEnd() throws Exception {
        try (SqliteStore store = new SqliteStore(dir.resolve("r.db"), null, false, Clock.systemUTC())) {
            Ingestor ingestor = new Ingestor(store, mapper);
            ProxyConfig.Route route = new ProxyConfig.Route("mini", ProxyConfig.Provider.OPENAI, "gpt-4o-mini",
                    URI.create("http://127.0.0.1:1/v1"), null, null);
            try (GatewayRecorder recorder = new GatewayRecorder(ingestor, mapper, store.conversations(),
                    new Fingerprints(), Duration.ofMillis(300), Clock.systemUTC())) {
                ObjectNode request = (ObjectNode) mapper.readTree(
                        "{\"model\": \"mini\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
                long now = System.currentTimeMillis() * 1000;
                ProxiedCall call = new ProxiedCall(request, route, "alice", null, false, now, System.nanoTime());
                call.response = ("{\"id\": \"c1\", \"model\": \"gpt-4o-mini\", \"choices\": [{\"index\": 0, \"message\":"
                        + " {\"role\": \"assistant\", \"content\": \"hello\"}, \"finish_reason\": \"stop\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                call.end(now + 1000, System.nanoTime());
                recorder.record(call);

                List<JsonNode> events = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    events.clear();
                    for (Store.EventRow row : store.events(EventFilter.all(), 0L, null, 100)) {
                        events.add(mapper.readTree(row.raw()));
                    }
                    return events.stream().anyMatch(e -> e.path("event_type").asText().equals("run.end"));
                });

                assertThat(events).extracting(e -> e.path("event_type").asText())
                        .containsExactly("run.start", "llm.request", "llm.response", "run.end");
                JsonNode end = events.get(3);
                assertThat(end.path("run_id").asText()).isEqualTo(events.get(0).path("run_id").asText());
                assertThat(end.path("payload").path("exit_reason").asText()).isEqualTo("idle");
                assertThat(end.path("user_id").asText()).isEqualTo("alice");
                assertThat(recorder.recorded()).isEqualTo(1);
            }
        }
    }
}
