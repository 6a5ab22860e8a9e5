package com.insidellm.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/** A local InsideLLM ingestion endpoint that decodes (and un-gzips) every batch it receives. */
public final class IngestionServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    /** Every event received, in arrival order. */
    public final List<JsonNode> events = new CopyOnWriteArrayList<>();
    /** Every request received. */
    public final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    public IngestionServer() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                try {
                    JSON.readTree(body(request)).forEach(events::add);
                    return new MockResponse().setResponseCode(202);
                } catch (IOException e) {
                    return new MockResponse().setResponseCode(400);
                }
            }
        });
    }

    /** Starts the server (idempotent) and returns its base URL. */
    public synchronized String start() throws IOException {
        server.start();
        return server.url("/").toString();
    }

    public void shutdown() throws IOException {
        server.shutdown();
    }

    /** The one event of {@code type}; fails when there is none or more than one. */
    public JsonNode single(String type) {
        List<JsonNode> matching = ofType(type);
        assertThat(matching).as("events of type %s", type).hasSize(1);
        return matching.get(0);
    }

    public List<JsonNode> ofType(String type) {
        return events.stream().filter(e -> e.get("event_type").asText().equals(type)).toList();
    }

    public List<String> types() {
        return events.stream().map(e -> e.get("event_type").asText()).toList();
    }

    private static byte[] body(RecordedRequest request) throws IOException {
        byte[] raw = request.getBody().readByteArray();
        if (!"gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }
}
