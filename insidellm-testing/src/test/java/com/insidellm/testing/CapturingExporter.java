package com.insidellm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.EventType;
import com.insidellm.ExportResult;
import com.insidellm.InsideLlmClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The integration modules' test helper over {@link InMemoryEventExporter}: flush-then-read, the wire JSON parsed for
 * assertions, and list helpers. Shipped in this module's test-jar (not its main jar: users have
 * {@link InMemoryEventExporter}); the openai, anthropic, google-genai and langchain4j tests share it.
 */
public final class CapturingExporter implements EventExporter {

    private final InMemoryEventExporter events = InMemoryEventExporter.create();

    @Override
    public ExportResult export(EventBatch batch) {
        return events.export(batch);
    }

    @Override
    public ExportResult shutdown(Duration deadline) {
        return events.shutdown(deadline);
    }

    /** The wire JSON of every event delivered so far, after flushing {@code client}. */
    public List<JsonNode> json(InsideLlmClient client) throws IOException {
        events.flushAndGet(client);
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : events.getFinishedJson()) {
            nodes.add(new ObjectMapper().readTree(line));
        }
        return nodes;
    }

    /** A client delivering to a new capturing exporter; no API key or network needed. */
    public static InsideLlmClient client(CapturingExporter exporter) {
        return InsideLlmClient.builder().addExporter(exporter).shutdownHook(false)
                .flushInterval(Duration.ofMillis(50)).build();
    }

    /** Every event delivered so far, after flushing {@code client}. */
    public List<Event> events(InsideLlmClient client) {
        assertThat(client.flush(Duration.ofSeconds(10))).as("flush").isTrue();
        return events.getFinishedEvents();
    }

    public static List<EventType> types(List<Event> events) {
        return events.stream().map(Event::type).collect(Collectors.toList());
    }

    public static List<Event> ofType(List<Event> events, EventType type) {
        return events.stream().filter(e -> e.type() == type).collect(Collectors.toList());
    }

    /**
     * Asserts that {@code events} hold two calls, each an {@code llm.request} and its {@code llm.response}, that
     * recorded the same payloads, keys in the same order, but for their latencies; returns the two requests.
     */
    public static List<Event> assertSameTwoCalls(List<Event> events) {
        List<Event> requests = ofType(events, EventType.LLM_REQUEST);
        List<Event> answers = ofType(events, EventType.LLM_RESPONSE);
        assertThat(requests).hasSize(2);
        assertThat(answers).hasSize(2);
        assertThat(requests.get(1).payload()).isEqualTo(requests.get(0).payload());
        assertThat(new ArrayList<>(requests.get(1).payload().keySet()))
                .isEqualTo(new ArrayList<>(requests.get(0).payload().keySet()));
        Map<String, Object> first = new LinkedHashMap<>(answers.get(0).payload());
        Map<String, Object> second = new LinkedHashMap<>(answers.get(1).payload());
        assertThat(first.remove("response_time_ms")).isNotNull();
        assertThat(second.remove("response_time_ms")).isNotNull();
        assertThat(second).isEqualTo(first);
        assertThat(new ArrayList<>(second.keySet())).isEqualTo(new ArrayList<>(first.keySet()));
        for (int call = 0; call < 2; call++) {
            assertThat(answers.get(call).parentEventId()).isEqualTo(requests.get(call).eventId());
        }
        return requests;
    }

    public static Event single(List<Event> events, EventType type) {
        List<Event> matching = ofType(events, type);
        assertThat(matching).as("events of type %s", type).hasSize(1);
        return matching.get(0);
    }
}
