package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway is never an open relay, and the keys it holds never leave for anywhere but the upstream. */
class GatewaySecurityTest {

    static final String KEY = "sk-live-do-not-leak-5f2e9c";
    static final String CONFIG = """
            {"models": [{"provider": "openai", "providerModel": "gpt-4o", "model": "four",
                         "apiBase": "${UPSTREAM}/v1", "apiKey": "ENV:LEAKY_KEY"},
                        {"provider": "openai", "providerModel": "gpt-4o", "model": "nokey",
                         "apiBase": "${UPSTREAM}/v1", "apiKey": "ENV:NOT_SET_ANYWHERE"}]}""";
    static final String HELLO = "{\"model\": \"four\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @TempDir
    Path dir;

    @Test
    void anUnknownModelIsRefusedWithTheConfiguredNamesAndNothingIsForwarded() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of("LEAKY_KEY", KEY))) {
            Api.Response r = g.api.post("/v1/chat/completions",
                    "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}".getBytes(
                            StandardCharsets.UTF_8));

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().path("error").path("message").asText()).contains("gpt-4o").contains("four, nokey");
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("model_not_found");
            assertThat(g.upstream.getRequestCount()).isZero();
            // Not a path to anywhere else either.
            assertThat(g.api.post("/v1/completions", HELLO.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
            assertThat(g.upstream.getRequestCount()).isZero();
        }
    }

    @Test
    void upstreamKeysNeverReachClientsEventsOrLogs() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(original, logs), true, StandardCharsets.UTF_8));
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of("LEAKY_KEY", KEY))) {
            // An upstream that echoes the key in its error, as some do.
            g.upstream.enqueue(new MockResponse().setResponseCode(401).setHeader("Content-Type", "application/json")
                    .setBody("{\"error\": {\"message\": \"Incorrect API key provided: " + KEY + "\"}}"));
            Api.Response r = g.api.post("/v1/chat/completions", HELLO.getBytes(StandardCharsets.UTF_8),
                    "Authorization", "Bearer client-own-token");
            Api.Response missing = g.api.post("/v1/chat/completions",
                    HELLO.replace("four", "nokey").getBytes(StandardCharsets.UTF_8));
            g.awaitEvents("error", 1);
            String events = g.api.get("/api/v1/events?limit=1000&after=0").body();
            String health = g.api.get("/health").body();

            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).doesNotContain(KEY).contains("[redacted]");
            RecordedRequest sent = g.upstream.takeRequest();
            assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(missing.status()).isEqualTo(500);
            assertThat(missing.json().path("error").path("message").asText()).contains("NOT_SET_ANYWHERE");
            assertThat(events).contains("Incorrect API key provided").doesNotContain(KEY)
                    .doesNotContain("client-own-token");
            assertThat(health).doesNotContain(KEY).contains("NOT_SET_ANYWHERE");
        } finally {
            System.setErr(original);
        }
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("NOT_SET_ANYWHERE").doesNotContain(KEY);
    }

    @Test
    void boundBeyondLoopbackTheGatewayTakesTheCollectorsApiKeysAndForwardsOnlyItsOwn() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of("LEAKY_KEY", KEY),
                b -> b.bindAddress("0.0.0.0").apiKey("collector-key-123").viewerToken("viewer-token-123"))) {
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);

            Api.Response none = g.api.post("/v1/chat/completions", HELLO.getBytes(StandardCharsets.UTF_8));
            Api.Response wrong = g.api.post("/v1/chat/completions", HELLO.getBytes(StandardCharsets.UTF_8),
                    "Authorization", "Bearer not-the-key");
            Api.Response models = g.api.get("/v1/models");
            Api.Response right = g.api.post("/v1/chat/completions", HELLO.getBytes(StandardCharsets.UTF_8),
                    "Authorization", "Bearer collector-key-123");

            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(models.status()).isEqualTo(401);
            assertThat(right.status()).isEqualTo(200);
            assertThat(g.upstream.getRequestCount()).isEqualTo(1);
            assertThat(g.upstream.takeRequest().getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        }
    }

    @Test
    void onLoopbackNoClientKeyIsNeededButAnotherSitesPageCannotUseTheGateway() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of("LEAKY_KEY", KEY))) {
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);

            Api.Response fromPage = g.api.post("/v1/chat/completions", HELLO.getBytes(StandardCharsets.UTF_8),
                    "Origin", "https://evil.example");
            Api.Response local = g.api.post("/v1/chat/completions", HELLO.getBytes(StandardCharsets.UTF_8));
            JsonNode models = g.api.getJson("/v1/models");

            assertThat(fromPage.status()).isEqualTo(403);
            assertThat(local.status()).isEqualTo(200);
            assertThat(g.upstream.getRequestCount()).isEqualTo(1);
            assertThat(models.path("data")).extracting(m -> m.path("id").asText()).containsExactly("four", "nokey");
        }
    }

    /** Writes to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
