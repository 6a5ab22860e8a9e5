package com.insidellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An exporter that keeps every delivered event's wire JSON, for tests (public for the tests of sub-packages). */
public final class CapturingExporter implements EventExporter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    @Override
    public ExportResult export(EventBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            try {
                events.add(JSON.readTree(batch.eventJson(i)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ExportResult.success();
    }

    /** The delivered events in order. */
    public List<JsonNode> events() {
        return new ArrayList<>(events);
    }

    /** The delivered events of one type. */
    public List<JsonNode> ofType(String type) {
        return events.stream().filter(e -> e.get("event_type").asText().equals(type)).toList();
    }

    /** The one delivered event of a type. */
    public JsonNode single(String type) {
        List<JsonNode> found = ofType(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + " event but found " + found.size() + ": " + events);
        }
        return found.get(0);
    }

    /** A client delivering only to a new capturing exporter. */
    public static InsideLlmClient.Builder clientBuilder(CapturingExporter exporter) {
        return InsideLlmClient.builder().addExporter(exporter).shutdownHook(false)
                .environment(name -> null).systemProperties(name -> null);
    }
}
