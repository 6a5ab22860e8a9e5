package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The strict test backend itself behaves like the documented Python backend, so that the client tests against it
 * prove something: all-or-nothing 400 with per-event detail, unknown event types refused, no gzip.
 */
class StrictBackendTest {

    private static final String RUN = "7b0c6c1e-2a57-4a8e-9d2a-0d6f3f1e9b11";
    private final OkHttpClient http = new OkHttpClient();
    private StrictBackend backend;

    @AfterEach
    void stop() throws IOException {
        if (backend != null) {
            backend.close();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private static String event(String id, String type, String payload) {
        return "{\"event_id\":\"" + id + "\",\"run_id\":\"" + RUN + "\",\"timestamp\":\"2025-06-04T17:47:23.123456Z\","
                + "\"event_type\":\"" + type + "\",\"user_id\":\"u1\",\"payload\":" + payload + "}";
    }

    private static final String START = event("11111111-1111-4111-8111-111111111111", "run.start",
            "{\"session_id\":\"" + RUN + "\"}");
    private static final String CHAIN = event("22222222-2222-4222-8222-222222222222", "chain.start",
            "{\"chain_name\":\"c\"}");
    private static final String END = event("33333333-3333-4333-8333-333333333333", "run.end",
            "{\"session_id\":\"" + RUN + "\"}");

    private Response post(byte[] body, boolean gzip) throws IOException {
        Request.Builder request = new Request.Builder().url(backend.baseUrl() + "api/v1/ingest")
                .post(RequestBody.create(body, MediaType.get("application/json")));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        return http.newCall(request.build()).execute();
    }

    @Test
    void acceptsAValidBatchAndABareEventWith202() throws IOException {
        backend = new StrictBackend();
        try (Response response = post(("[" + START + "," + END + "]").getBytes(StandardCharsets.UTF_8), false)) {
            assertThat(response.code()).isEqualTo(202);
        }
        try (Response response = post(START.getBytes(StandardCharsets.UTF_8), false)) {
            assertThat(response.code()).isEqualTo(202);
        }
        assertThat(backend.accepted).hasSize(3);
    }

    @Test
    void refusesTheWholeBatchWhenOneEventTypeIsUnknownAndNamesIt() throws IOException {
        backend = new StrictBackend();
        try (Response response = post(("[" + START + "," + CHAIN + "," + END + "]").getBytes(StandardCharsets.UTF_8),
                false)) {
            assertThat(response.code()).isEqualTo(400);
            JsonNode answer = RecordingServer.JSON.readTree(response.body().string());
            assertThat(answer.get("errors")).hasSize(1);
            assertThat(answer.get("errors").get(0).get("index").asInt()).isEqualTo(1);
            assertThat(answer.get("errors").get(0).get("errors").get(0).asText()).contains("event_type");
        }
        assertThat(backend.accepted).isEmpty();
    }

    @Test
    void readsAGzipBodyAsInvalidJson() throws IOException {
        backend = new StrictBackend();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
            gz.write(("[" + START + "]").getBytes(StandardCharsets.UTF_8));
        }
        try (Response response = post(compressed.toByteArray(), true)) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("invalid JSON");
        }
        assertThat(backend.accepted).isEmpty();
    }

    @Test
    void refusesMissingRequiredPayloadFieldsAndEmptyUserIds() {
        assertThat(StrictBackend.validate(RecordingServer.JSON.valueToTree(java.util.Map.of("event_id", "x"))))
                .isNotEmpty();
        JsonNode noName;
        try {
            noName = RecordingServer.JSON.readTree(event("44444444-4444-4444-8444-444444444444", "llm.request",
                    "{\"model_name\":\"m\",\"provider\":\"p\",\"prompt\":null}"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(StrictBackend.validate(noName)).containsExactly("payload.prompt: field required");
    }
}
