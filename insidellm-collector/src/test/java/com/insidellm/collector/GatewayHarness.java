package com.insidellm.collector;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;

/**
 * A collector with its gateway configured, in front of a scripted upstream (MockWebServer), for the gateway's tests.
 * {@code ${UPSTREAM}} in the configuration stands for the upstream's base URL.
 */
final class GatewayHarness implements AutoCloseable {

    final MockWebServer upstream = new MockWebServer();
    final Path dir;
    final Path configFile;
    final Path database;
    InsideLlmCollector collector;
    Api api;

    GatewayHarness(Path dir, String config, Map<String, String> env) {
        this(dir, config, env, b -> { });
    }

    GatewayHarness(Path dir, String config, Map<String, String> env, Consumer<InsideLlmCollector.Builder> more) {
        this.dir = dir;
        this.database = dir.resolve("events.db");
        this.configFile = dir.resolve("proxy.json");
        try {
            upstream.start();
            Files.writeString(configFile, config.replace("${UPSTREAM}", upstreamBase()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start(env, more);
    }

    void start(Map<String, String> env, Consumer<InsideLlmCollector.Builder> more) {
        InsideLlmCollector.Builder b = InsideLlmCollector.builder().port(0).databasePath(database)
                .proxyConfig(configFile, env);
        more.accept(b);
        collector = b.build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    /** Stops the collector and starts a new one on the same database and configuration. */
    void restart(Map<String, String> env) {
        collector.close();
        start(env, b -> { });
    }

    String upstreamBase() {
        return "http://127.0.0.1:" + upstream.getPort();
    }

    String gatewayBase() {
        return collector.baseUrl() + "/v1";
    }

    void enqueueJson(String body) {
        upstream.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(body));
    }

    void enqueueSse(String body) {
        upstream.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream; charset=utf-8")
                .setBody(body));
    }

    /** The stored events of {@code type}, oldest first, once there are at least {@code count}. */
    List<JsonNode> awaitEvents(String type, int count) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            found.clear();
            found.addAll(events(type));
            return found.size() >= count;
        });
        return found;
    }

    /** The stored events of {@code type}, oldest first. */
    List<JsonNode> events(String type) {
        JsonNode page = api.getJson("/api/v1/events?limit=1000&after=0&type=" + type);
        List<JsonNode> out = new ArrayList<>();
        page.path("events").forEach(e -> out.add(e.path("event")));
        return out;
    }

    @Override
    public void close() throws IOException {
        if (collector != null) {
            collector.close();
        }
        upstream.shutdown();
    }
}
