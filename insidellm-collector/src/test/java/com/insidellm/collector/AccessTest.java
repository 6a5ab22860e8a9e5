package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {

    @TempDir Path dir;

    @Test
    void withKeysConfiguredAWrongOrMissingKeyIs401AndTheRightKeyIsAccepted() {
        try (InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("a.db"))
                .apiKey("key-one-123").apiKey("key-two-456").build()) {
            c.start();
            Api api = new Api(c.baseUrl());
            String run = Events.uuid();

            Api.Response missing = api.ingest(Events.userInput(run, "u", Instant.now(), "x"));
            Api.Response wrong = api.ingest(Events.userInput(run, "u", Instant.now(), "x"),
                    "Authorization", "Bearer nope-nope-nope");
            Api.Response right = api.ingest(Events.userInput(run, "u", Instant.now(), "x"),
                    "Authorization", "Bearer key-two-456");

            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.json().get("error").asText()).contains("API key required");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("error").asText()).contains("API key rejected");
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.json().get("accepted").asInt()).isEqualTo(1);
        }
    }

    @Test
    void refusesToBindBeyondLoopbackWithoutKeysAndViewerToken() {
        assertThatThrownBy(() -> InsideLlmCollector.builder().bindAddress("0.0.0.0").databasePath(dir.resolve("b.db"))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to listen on 0.0.0.0");
        assertThatThrownBy(() -> InsideLlmCollector.builder().bindAddress("0.0.0.0").apiKey("key-one-123")
                .databasePath(dir.resolve("b.db")).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bindsBeyondLoopbackWhenKeysAndViewerTokenAreSet() {
        try (InsideLlmCollector c = InsideLlmCollector.builder().bindAddress("0.0.0.0").port(0)
                .apiKey("key-one-123").viewerToken("viewer-token-1").databasePath(dir.resolve("c.db")).build()) {
            assertThat(c.start()).isPositive();
        }
    }

    @Test
    void viewerTokenGuardsThePagesAndTheQueryApiAndIsTradedForACookie() throws Exception {
        try (InsideLlmCollector c = InsideLlmCollector.builder().port(0).viewerToken("viewer-token-1")
                .databasePath(dir.resolve("d.db")).build()) {
            c.start();
            Api api = new Api(c.baseUrl());

            assertThat(api.get("/").status()).isEqualTo(401);
            assertThat(api.get("/api/v1/runs").status()).isEqualTo(401);
            assertThat(api.get("/api/v1/runs", "Authorization", "Bearer viewer-token-1").status()).isEqualTo(200);
            assertThat(api.get("/health").status()).isEqualTo(200);

            HttpResponse<String> login = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(c.baseUrl() + "/?token=viewer-token-1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
            assertThat(api.get("/", "Cookie", cookie.substring(0, cookie.indexOf(';'))).status()).isEqualTo(200);
        }
    }

    @Test
    void pagesCarryAStrictContentSecurityPolicy() {
        try (InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("e.db")).build()) {
            c.start();
            Api.Response page = new Api(c.baseUrl()).get("/");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<script type=\"module\" src=\"/app.js\"");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'").contains("default-src 'none'").doesNotContain("unsafe-inline");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
    }

    @Test
    void aLoopbackCollectorRefusesForeignHostHeadersAgainstDnsRebinding() {
        try (InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("f.db")).build()) {
            c.start();
            Api api = new Api(c.baseUrl());

            // java.net.http does not let us set Host, so speak HTTP directly.
            String answer = RawHttp.get(c.port(), "/api/v1/runs", "rebind.attacker.example");
            assertThat(answer).startsWith("HTTP/1.1 403");
            assertThat(RawHttp.get(c.port(), "/api/v1/runs", "localhost:" + c.port())).startsWith("HTTP/1.1 200");
            assertThat(api.get("/api/v1/runs").status()).isEqualTo(200);
        }
    }
}
