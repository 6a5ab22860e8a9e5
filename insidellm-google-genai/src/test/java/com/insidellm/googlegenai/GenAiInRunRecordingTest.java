package com.insidellm.googlegenai;

import static com.insidellm.testing.CapturingExporter.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmTracker;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.testing.CapturingExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.mockwebserver.MockWebServer;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls inside an InsideLLM run, whose request and answer are read on the flusher thread from copies of their bodies:
 * the same events as calls read at once, and what was sent even when the bytes change after the call.
 */
@SuppressWarnings("unchecked")
class GenAiInRunRecordingTest {

    private final CapturingExporter exporter = new CapturingExporter();
    /** Flushed only when a test asks: the bodies are read after the test changed what it could. */
    private final InsideLlmClient insideLlm = InsideLlmClient.builder().addExporter(exporter).shutdownHook(false)
            .flushInterval(Duration.ofHours(1)).batchSize(1000).build();
    private final ModelCallRecorder recorder = ModelCallRecorder.create(insideLlm);
    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        recorder.close();
        insideLlm.close();
        server.shutdown();
    }

    @Test
    void aCallInsideARunRecordsTheSameRequestAndAnswerAsACallOutsideOne() throws Exception {
        server.enqueue(GeminiWireFormat.functionCall());
        server.enqueue(GeminiWireFormat.functionCall());
        try (Client gemini = Client.builder().apiKey("test-key").httpOptions(HttpOptions.builder()
                        .baseUrl(server.url("/").toString())
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
                .clientOptions(InsideLlmGenAI.clientOptions(com.google.genai.types.ClientOptions.builder().build(),
                        recorder)).build()) {
            gemini.models.generateContent("gemini-2.5-flash", "Weather in Paris?", GenAiRecordingTest.CONFIG);
            try (InsideLlmTracker tracker = insideLlm.tracker("user-7")) {
                assertThat(gemini.models.generateContent("gemini-2.5-flash", "Weather in Paris?",
                        GenAiRecordingTest.CONFIG)
                        .functionCalls()).hasSize(1);
            }
        }

        List<Event> events = exporter.events(insideLlm);
        List<Event> requests = CapturingExporter.assertSameTwoCalls(events);
        assertThat((List<Object>) requests.get(1).payload().get("tools")).hasSize(1);
        assertThat((Double) CapturingExporter.ofType(events, EventType.LLM_RESPONSE).get(1).payload().get("cost")).isPositive();
        assertThat(requests.get(1).runId()).isNotEqualTo(requests.get(0).runId());
    }

    @Test
    void aBodyChangedAfterTheCallIsRecordedAsItWasSent() throws Exception {
        server.enqueue(GeminiWireFormat.text("Sunny."));
        byte[] sent = ("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] reused = sent.clone();
        byte[] next = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Tokyo?\"}]}]}"
                .getBytes(StandardCharsets.UTF_8);
        // A body that writes an array in one write (as the SDK's own body does), and whose owner reuses the array
        // once it went to the network: before the call returns, so before anything could read it later.
        RequestBody body = new RequestBody() {
            private int writes;

            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public long contentLength() {
                return reused.length;
            }

            @Override
            public void writeTo(BufferedSink sink) throws java.io.IOException {
                sink.write(reused, 0, reused.length);
                if (++writes == 2) {
                    sink.flush();
                    System.arraycopy(next, 0, reused, 0, reused.length);
                }
            }
        };
        OkHttpClient http = InsideLlmGenAI.httpClient(new OkHttpClient(), recorder);

        try (InsideLlmTracker tracker = insideLlm.tracker("user-7");
                Response response = http.newCall(new Request.Builder()
                        .url(server.url("/v1beta/models/gemini-2.5-flash:generateContent")).post(body).build())
                        .execute()) {
            assertThat(response.body().string()).contains("Sunny.");
        }
        assertThat(reused).isNotEqualTo(sent);
        assertThat(server.takeRequest().getBody().readByteArray()).isEqualTo(sent);

        List<Event> events = exporter.events(insideLlm);
        Event request = single(events, EventType.LLM_REQUEST);
        assertThat(request.payload()).containsEntry("prompt", "Weather in Paris?");
        assertThat((List<Map<String, Object>>) request.payload().get("messages"))
                .containsExactly(Map.of("role", "user", "content", "Weather in Paris?"));
        assertThat(single(events, EventType.LLM_RESPONSE).payload()).containsEntry("response_text", "Sunny.");
    }
}
