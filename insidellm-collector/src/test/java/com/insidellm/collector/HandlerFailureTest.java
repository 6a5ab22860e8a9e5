package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.http.Guard;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handler that fails with an {@link Error} still gets its client an answer: before, only exceptions were caught,
 * and a {@code StackOverflowError} or {@code OutOfMemoryError} left the request hanging with no response.
 */
class HandlerFailureTest {

    @TempDir Path dir;
    InsideLlmCollector collector;
    final ObjectMapper mapper = new ObjectMapper();
    // A bounded wait: a server that never answers fails the test instead of hanging it.
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("events.db")).build();
        collector.start();
        // The fault is injected into the running collector's own server, behind its real guard and error handling.
        collector.running().httpServer().route("/api/v1/fault/stack", Guard.VIEWER_TOKEN, ex -> {
            throw new StackOverflowError();
        });
        collector.running().httpServer().route("/api/v1/fault/assertion", Guard.VIEWER_TOKEN, ex -> {
            throw new AssertionError("broken invariant");
        });
        collector.running().httpServer().route("/v1/chat/fault", Guard.OPEN, ex -> {
            throw new OutOfMemoryError("Java heap space (injected)");
        });
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(collector.baseUrl().resolve(URI.create(path)))
                .timeout(Duration.ofSeconds(30)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void assertStillServing() throws IOException, InterruptedException {
        for (int i = 0; i < 20; i++) {
            assertThat(get("/health").statusCode()).as("request %d after the failure", i).isEqualTo(200);
        }
    }

    @Test
    void aStackOverflowInAHandlerIsAnswered500AndTheServerGoesOn() throws Exception {
        HttpResponse<String> response = get("/api/v1/fault/stack");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(mapper.readTree(response.body()).get("error").asText())
                .isEqualTo("internal error: StackOverflowError");
        assertStillServing();
    }

    @Test
    void anyOtherErrorIsAnswered500Too() throws Exception {
        HttpResponse<String> response = get("/api/v1/fault/assertion");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(mapper.readTree(response.body()).get("error").asText())
                .isEqualTo("internal error: AssertionError")
                .as("the message stays in the log, not in the answer").doesNotContain("invariant");
        assertStillServing();
    }

    @Test
    void outOfMemoryIsAnsweredInOpenAisShapeOnTheGatewaysPathsAndTheServerGoesOn() throws Exception {
        HttpResponse<String> response = get("/v1/chat/fault");

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode error = mapper.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("message").asText()).isEqualTo("internal error: OutOfMemoryError");
        // The error went on to the thread (the JVM's watchers see it); the pool replaced the thread.
        assertStillServing();
        assertThat(get("/v1/chat/fault").statusCode()).as("and it answers the next failure too").isEqualTo(500);
    }
}
