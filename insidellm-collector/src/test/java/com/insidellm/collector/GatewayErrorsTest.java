package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What clients get when something goes wrong, and what is recorded. */
class GatewayErrorsTest {

    static final String CONFIG = """
            {"models": [{"provider": "openai", "providerModel": "gpt-4o", "model": "four", "apiBase": "${UPSTREAM}/v1"},
                        {"provider": "ollama", "providerModel": "llama3", "model": "down",
                         "apiBase": "http://127.0.0.1:1/v1"}]}""";
    static final String HELLO = "{\"model\": \"four\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void badRequestsGetOpenAiStyleErrorsWithoutReachingTheUpstream() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of(), b -> b.maxBodyBytes(4096))) {
            Api.Response notJson = g.api.post("/v1/chat/completions", bytes("{\"model\": \"four\", "));
            Api.Response noModel = g.api.post("/v1/chat/completions", bytes("{\"messages\": []}"));
            Api.Response tooLarge = g.api.post("/v1/chat/completions",
                    bytes(HELLO.replace("hi", "x".repeat(5000))));

            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(noModel.status()).isEqualTo(400);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.json().path("error").path("message").asText()).contains("4096");
            assertThat(g.upstream.getRequestCount()).isZero();
        }
    }

    @Test
    void upstreamErrorsPassThroughAndTimeoutsAndRefusalsBecome504And502() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of(),
                b -> b.proxyTimeout(Duration.ofMillis(700)))) {
            g.upstream.enqueue(new MockResponse().setResponseCode(429).setHeader("Content-Type", "application/json")
                    .setHeader("Retry-After", "7").setHeader("x-ratelimit-remaining-requests", "0")
                    .setHeader("Set-Cookie", "upstream=1").setBody("{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"requests\"}}"));
            g.upstream.enqueue(new MockResponse().setHeadersDelay(5, TimeUnit.SECONDS).setBody("{}"));

            Api.Response limited = g.api.post("/v1/chat/completions", bytes(HELLO));
            Api.Response slow = g.api.post("/v1/chat/completions", bytes(HELLO));
            Api.Response refused = g.api.post("/v1/chat/completions", bytes(HELLO.replace("four", "down")));

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().path("error").path("message").asText()).isEqualTo("Rate limit reached");
            assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
            assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(slow.status()).isEqualTo(504);
            assertThat(slow.json().path("error").path("message").asText()).contains("did not answer in time");
            assertThat(refused.status()).isEqualTo(502);
            assertThat(refused.json().path("error").path("message").asText()).contains("cannot be reached");

            var errors = g.awaitEvents("error", 3);
            assertThat(errors).extracting(e -> e.path("payload").path("error_code").asText())
                    .containsExactlyInAnyOrder("429", "504", "502");
            JsonNode rateLimited = errors.stream()
                    .filter(e -> e.path("payload").path("error_code").asText().equals("429")).findFirst().orElseThrow();
            assertThat(rateLimited.path("payload").path("context").path("upstream_body").asText())
                    .contains("Rate limit reached");
            assertThat(g.events("llm.request")).hasSize(3);
        }
    }

    @Test
    void taskRequestsOfChatUisAreForwardedButNotRecorded() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of())) {
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);

            Api.Response task = g.api.post("/v1/chat/completions", bytes(HELLO.replace("\"hi\"",
                    "\"### Task:\\nGenerate a concise title for the chat\"")));
            Api.Response real = g.api.post("/v1/chat/completions", bytes(HELLO));

            assertThat(task.status()).isEqualTo(200);
            assertThat(real.status()).isEqualTo(200);
            assertThat(g.upstream.getRequestCount()).isEqualTo(2);
            var requests = g.awaitEvents("llm.response", 1);
            assertThat(requests).hasSize(1);
            assertThat(g.events("llm.request")).singleElement()
                    .satisfies(e -> assertThat(e.path("payload").path("prompt").asText()).isEqualTo("hi"));
        }
    }

    @Test
    void aClientThatLeavesMidStreamCancelsTheUpstreamAndIsRecordedAsAnError() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of())) {
            StringBuilder stream = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                stream.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"word").append(i).append(" \"},\"finish_reason\":null}]}\n\n");
            }
            stream.append("data: [DONE]\n\n");
            g.upstream.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream")
                    .setBody(stream.toString()).throttleBody(512, 20, TimeUnit.MILLISECONDS));

            byte[] body = bytes(HELLO.replace("}]}", "}], \"stream\": true}"));
            try (Socket s = new Socket("127.0.0.1", g.collector.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.contains("word0")) {
                    // read up to the first chunk, then leave
                }
                assertThat(line).contains("word0");
            }

            JsonNode error = g.awaitEvents("error", 1).get(0).path("payload");
            assertThat(error.path("error_type").asText()).isEqualTo("client_disconnected");
            assertThat(error.path("error_message").asText()).contains("cancelled");
            assertThat(g.events("llm.response")).isEmpty();
        }
    }

    @Test
    void aConfigurationThatDoesNotParseLeavesTheCollectorServingAndHealthSaysWhereItIsWrong() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, "{\"models\": [\n  {\"provider\": }\n]}", Map.of())) {
            JsonNode health = g.api.getJson("/health");
            Api.Response call = g.api.post("/v1/chat/completions", bytes(HELLO));
            Api.Response ingest = g.api.ingest(Events.userInput("00000000-0000-4000-8000-000000000001", "alice", java.time.Instant.now(), "hi"));

            assertThat(health.path("status").asText()).isEqualTo("ok");
            JsonNode gateway = health.path("gateway");
            assertThat(gateway.path("status").asText()).isEqualTo("error");
            assertThat(gateway.path("file").asText()).isEqualTo(g.configFile.toString());
            assertThat(gateway.path("line").asInt()).isEqualTo(2);
            assertThat(gateway.path("message").asText()).contains("not valid JSON");
            assertThat(call.status()).isEqualTo(404);
            assertThat(call.json().path("error").path("message").asText()).contains("failed to load");
            assertThat(ingest.status()).isEqualTo(200);
        }
        assertThat(Files.exists(dir.resolve("events.db"))).isTrue();
    }

    @Test
    void healthCountsTheConfiguredModels() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of())) {
            JsonNode gateway = g.api.getJson("/health").path("gateway");

            assertThat(gateway.path("status").asText()).isEqualTo("ok");
            assertThat(gateway.path("models").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aModelWhoseKeyVariableIsUnsetAnswersWithAnErrorNamingItAndForwardsNothing() throws Exception {
        String config = """
                {"models": [{"provider": "openai", "providerModel": "gpt-4o", "model": "keyed",
                             "apiBase": "${UPSTREAM}/v1", "apiKey": "ENV:INSIDELLM_TEST_UNSET_KEY"},
                            {"provider": "openai", "providerModel": "gpt-4o", "model": "four",
                             "apiBase": "${UPSTREAM}/v1", "apiKey": "ENV:INSIDELLM_TEST_SET_KEY"}]}""";
        try (GatewayHarness g = new GatewayHarness(dir, config, Map.of("INSIDELLM_TEST_SET_KEY", "sk-from-env"))) {
            g.enqueueJson("{\"id\": \"c1\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\","
                    + " \"content\": \"hello\"}, \"finish_reason\": \"stop\"}]}");

            Api.Response unset = g.api.post("/v1/chat/completions", bytes(HELLO.replace("four", "keyed")));
            Api.Response set = g.api.post("/v1/chat/completions", bytes(HELLO));

            assertThat(unset.status()).isEqualTo(500);
            assertThat(unset.json().path("error").path("code").asText()).isEqualTo("upstream_key_missing");
            assertThat(unset.json().path("error").path("message").asText()).contains("INSIDELLM_TEST_UNSET_KEY");
            assertThat(set.status()).isEqualTo(200);
            assertThat(g.upstream.getRequestCount()).isEqualTo(1);
            assertThat(g.upstream.takeRequest().getHeader("Authorization")).isEqualTo("Bearer sk-from-env");
        }
    }
}
