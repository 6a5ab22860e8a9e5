package com.insidellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A real HTTP ingestion endpoint for tests: MockWebServer with a dispatcher that decodes every request body (gzip or
 * identity), records the events, and answers with whatever the test scripts (202 by default).
 */
final class RecordingServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server saw it. */
    record Request(int number, String path, Map<String, String> headers, byte[] rawBody, JsonNode body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    final MockWebServer server = new MockWebServer();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, Integer> deliveriesById = new ConcurrentHashMap<>();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile Function<Request, MockResponse> responder = request -> new MockResponse().setResponseCode(202);

    RecordingServer() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest recorded) throws InterruptedException {
                Request request;
                try {
                    request = decode(recorded);
                } catch (IOException e) {
                    return new MockResponse().setResponseCode(400).setBody("undecodable: " + e);
                }
                requests.add(request);
                MockResponse response = responder.apply(request);
                if (response.getStatus().contains(" 2")) {
                    for (JsonNode event : request.body().isArray() ? request.body() : JSON.createArrayNode()
                            .add(request.body())) {
                        events.add(event);
                        deliveriesById.merge(event.get("event_id").asText(), 1, Integer::sum);
                    }
                }
                return response;
            }
        });
        server.start();
    }

    private Request decode(RecordedRequest recorded) throws IOException {
        byte[] raw = recorded.getBody().readByteArray();
        Map<String, String> headers = new java.util.HashMap<>();
        for (String name : recorded.getHeaders().names()) {
            headers.put(name.toLowerCase(java.util.Locale.ROOT), recorded.getHeader(name));
        }
        byte[] json = raw;
        if ("gzip".equals(headers.get("content-encoding"))) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                json = in.readAllBytes();
            }
        }
        JsonNode body = raw.length == 0 ? JSON.nullNode() : JSON.readTree(json);
        return new Request(counter.incrementAndGet(), recorded.getPath(), headers, json, body);
    }

    /** Scripts the answers; called on MockWebServer's threads. */
    void respondWith(Function<Request, MockResponse> responder) {
        this.responder = responder;
    }

    String baseUrl() {
        return server.url("/").toString();
    }

    InsideLlmClient.Builder clientBuilder() {
        return InsideLlmClient.builder().apiKey("test-key").baseUrl(baseUrl()).shutdownHook(false)
                .environment(name -> null).systemProperties(name -> null);
    }

    List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode event : events) {
            ids.add(event.get("event_id").asText());
        }
        return ids;
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
