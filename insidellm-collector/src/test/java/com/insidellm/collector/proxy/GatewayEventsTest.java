package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.EventValidator;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.StoredEvent;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway writes its events straight into their stored form, skipping the ingest validation: every kind it
 * writes must be exactly what that validation makes of the same JSON (columns, details, raw text), or the store and
 * the query API would see gateway events differently from the same events sent by an SDK.
 */
class GatewayEventsTest {

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new ObjectMapper();
    private final ProxyConfig.Route route = new ProxyConfig.Route("mini", ProxyConfig.Provider.OPENAI, "gpt-4o-mini",
            URI.create("http://127.0.0.1:1/v1"), null, null);

    @Test
    void everyKindOfEventIsWhatValidationMakesOfItsJson() throws Exception {
        List<StoredEvent> written = new CopyOnWriteArrayList<>();
        try (SqliteStore sqlite = new SqliteStore(dir.resolve("e.db"), null, false, Clock.systemUTC())) {
            Store capturing = (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(),
                    new Class<?>[] {Store.class}, (proxy, method, args) -> {
                        if (method.getName().equals("write")) {
                            @SuppressWarnings("unchecked")
                            List<StoredEvent> events = (List<StoredEvent>) args[0];
                            written.addAll(events);
                        }
                        try {
                            return method.invoke(sqlite, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            try (GatewayRecorder recorder = new GatewayRecorder(new Ingestor(capturing, mapper), mapper,
                    sqlite.conversations(), new Fingerprints(), Duration.ofMillis(300), Clock.systemUTC())) {
                // An answer with tools, parameters, a system prompt, usage with cached tokens and a price.
                ProxiedCall tools = call("{\"model\": \"gpt-4o-mini\", \"temperature\": 0.2, \"max_tokens\": 50,"
                        + " \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\","
                        + " \"content\": [{\"type\": \"text\", \"text\": \"Weather in Paris?\"}]}], \"tools\": [{\"type\":"
                        + " \"function\", \"function\": {\"name\": \"weather\", \"parameters\": {\"type\": \"object\"}}}],"
                        + " \"tool_choice\": \"auto\", \"user\": \"bob\"}", "bob", null);
                tools.response = bytes("{\"id\": \"c1\", \"model\": \"gpt-4o-mini-2024-07-18\", \"choices\": [{\"index\":"
                        + " 0, \"message\": {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"t1\","
                        + " \"type\": \"function\", \"function\": {\"name\": \"weather\", \"arguments\": \"{}\"}}]},"
                        + " \"finish_reason\": \"tool_calls\"}], \"usage\": {\"prompt_tokens\": 20, \"completion_tokens\":"
                        + " 5, \"total_tokens\": 25, \"prompt_tokens_details\": {\"cached_tokens\": 10},"
                        + " \"completion_tokens_details\": {\"reasoning_tokens\": 0}}}");
                // No total in the usage, an answer that finished with an error, a run header.
                ProxiedCall failedAnswer = call("{\"model\": \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\","
                        + " \"content\": \"hi\"}]}", null, "my-run");
                failedAnswer.response = bytes("{\"id\": \"c2\", \"choices\": [{\"index\": 0, \"message\": {\"role\":"
                        + " \"assistant\", \"content\": \"\"}, \"finish_reason\": \"error\"}], \"usage\":"
                        + " {\"prompt_tokens\": 3, \"completion_tokens\": 1}}");
                // A stream, with a time to first token and no usage.
                ProxiedCall stream = call("{\"model\": \"gpt-4o-mini\", \"stream\": true, \"messages\": [{\"role\":"
                        + " \"developer\", \"content\": \"Rules.\"}, {\"role\": \"user\", \"content\": \"Count\"}]}",
                        null, null);
                stream.chunks.add("{\"id\": \"s1\", \"model\": \"gpt-4o-mini\", \"choices\": [{\"index\": 0, \"delta\":"
                        + " {\"role\": \"assistant\", \"content\": \"one \"}}]}");
                stream.chunks.add("{\"id\": \"s1\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"two\"},"
                        + " \"finish_reason\": \"stop\"}]}");
                stream.firstTokenNanos = stream.startNanos + 3_000_000;
                // An upstream failure.
                ProxiedCall failed = call("{\"model\": \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\","
                        + " \"content\": \"again\"}]}", null, null);
                failed.fail(502, "upstream_error", "the upstream failed", "{\"error\": \"bad gateway\"}");

                for (ProxiedCall c : List.of(tools, failedAnswer, stream, failed)) {
                    recorder.record(c);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> written.stream()
                        .filter(e -> e.eventType().equals("run.end")).count() == 3);
            }
        }

        assertThat(written).extracting(StoredEvent::eventType).contains("run.start", "llm.request", "llm.response",
                "error", "run.end");
        assertThat(written).filteredOn(StoredEvent::error).extracting(StoredEvent::eventType)
                .containsExactlyInAnyOrder("llm.response", "error");
        assertThat(written).filteredOn(e -> e.cost() != null).hasSize(2);
        assertThat(written).filteredOn(e -> e.details().timeToFirstTokenMs() != null).hasSize(1);
        EventValidator validator = new EventValidator();
        for (StoredEvent event : written) {
            JsonNode node = mapper.readTree(event.rawJson());
            EventValidator.Result validated = validator.validate(node, event.rawJson());
            assertThat(validated.reason()).as(event.rawJson()).isNull();
            assertThat(event).as(event.rawJson()).isEqualTo(validated.event());
            // Compact JSON, as the mapper writes it: the raw text is what the store and export hand out.
            assertThat(event.rawJson()).isEqualTo(mapper.writeValueAsString(node));
        }
    }

    private ProxiedCall call(String request, String user, String runHeader) throws Exception {
        long now = System.currentTimeMillis() * 1000;
        ProxiedCall call = new ProxiedCall((ObjectNode) mapper.readTree(request), route, user, runHeader,
                request.contains("\"stream\": true"), now, System.nanoTime());
        call.end(now + 1500, call.startNanos + 1_500_000_000L);
        return call;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
