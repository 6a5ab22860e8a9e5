package com.insidellm.googlegenai;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** An exporter that keeps every delivered event, in order, for assertions. */
final class CapturingExporter implements EventExporter {

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> json = new CopyOnWriteArrayList<>();

    @Override
    public ExportResult export(EventBatch batch) {
        events.addAll(batch.events());
        for (int i = 0; i < batch.size(); i++) {
            json.add(new String(batch.eventJson(i), StandardCharsets.UTF_8));
        }
        return ExportResult.success();
    }

    /** The wire JSON of every event delivered so far, after flushing {@code client}. */
    List<JsonNode> json(InsideLlmClient client) throws IOException {
        assertThat(client.flush(Duration.ofSeconds(10))).as("flush").isTrue();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : json) {
            nodes.add(new ObjectMapper().readTree(line));
        }
        return nodes;
    }

    /** A client delivering to a new capturing exporter; no API key or network needed. */
    static InsideLlmClient client(CapturingExporter exporter) {
        return InsideLlmClient.builder().addExporter(exporter).shutdownHook(false)
                .flushInterval(Duration.ofMillis(50)).build();
    }

    /** Every event delivered so far, after flushing {@code client}. */
    List<Event> events(InsideLlmClient client) {
        assertThat(client.flush(Duration.ofSeconds(10))).as("flush").isTrue();
        return new ArrayList<>(events);
    }

    static List<EventType> types(List<Event> events) {
        return events.stream().map(Event::type).collect(Collectors.toList());
    }

    static List<Event> ofType(List<Event> events, EventType type) {
        return events.stream().filter(e -> e.type() == type).collect(Collectors.toList());
    }

    static Event single(List<Event> events, EventType type) {
        List<Event> matching = ofType(events, type);
        assertThat(matching).as("events of type %s", type).hasSize(1);
        return matching.get(0);
    }
}
