package com.insidellm.modelcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.CallRecorder;
import com.insidellm.CapturingExporter;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The model-call recording that the provider SDK wrappers share, without any SDK. */
class ModelCallRecorderTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.clientBuilder(exporter).build();
    private final ModelCallRecorder recorder = ModelCallRecorder.builder(client).source("test-sdk").build();

    @AfterEach
    void close() {
        recorder.close();
        client.close();
    }

    private static ModelCallRecorder.Request request(List<Map<String, ?>> messages) {
        return new ModelCallRecorder.Request(new Payload.LlmRequest("gpt-4o-mini", "openai", "Hi", null, null,
                messages), Map.of("call_type", "chat"), false);
    }

    private static final Map<String, ?> QUESTION = Map.of("role", "user", "content", "Weather in Paris?");

    private static LlmCallResult answer(String text) {
        return LlmCallResult.builder(text).responseMessage(Map.of("role", "assistant", "content", text))
                .usage(TokenUsage.of(10, 5)).build();
    }

    private List<JsonNode> flushed() {
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        return exporter.events();
    }

    @Test
    void aCallIsARequestAndAResponseNamingItWithTheCostEstimated() {
        String result = recorder.call(() -> request(List.of(QUESTION)), () -> "Sunny.", ModelCallRecorderTest::answer,
                error -> null);

        assertThat(result).isEqualTo("Sunny.");
        List<JsonNode> events = flushed();
        assertThat(events).extracting(e -> e.get("event_type").asText())
                .containsExactly("run.start", "llm.request", "llm.response");
        JsonNode request = exporter.single("llm.request");
        JsonNode response = exporter.single("llm.response");
        assertThat(response.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(request.get("payload").get("call_type").asText()).isEqualTo("chat");
        assertThat(exporter.single("run.start").get("payload").get("session_type").asText()).isEqualTo("test-sdk");
        assertThat(response.get("payload").get("cost").asDouble()).isPositive();
        assertThat(response.get("payload").get("response_time_ms").asLong()).isNotNegative();
    }

    @Test
    void aFailureIsRecordedOnceWithItsStatusAndRethrownUnchanged() {
        IllegalStateException boom = new IllegalStateException("rate limited");

        assertThatThrownBy(() -> recorder.call(() -> request(List.of(QUESTION)), () -> {
            throw boom;
        }, ModelCallRecorderTest::answer, error -> 429)).isSameAs(boom);

        flushed();
        JsonNode error = exporter.single("error");
        assertThat(error.get("payload").get("error_type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(error.get("payload").get("error_code").asText()).isEqualTo("429");
        assertThat(error.get("payload").get("context").get("status_code").asInt()).isEqualTo(429);
        assertThat(error.get("parent_event_id").asText())
                .isEqualTo(exporter.single("llm.request").get("event_id").asText());
        assertThat(exporter.ofType("llm.response")).isEmpty();
    }

    @Test
    void insideAContextTheCallBelongsToItsRunUnderItsParent() {
        String runId = CallRecorder.newId();
        String stepId = CallRecorder.newId();
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(runId, "user-1").withParent(stepId)
                .makeCurrent()) {
            recorder.call(() -> request(List.of(QUESTION)), () -> "Sunny.", ModelCallRecorderTest::answer, e -> null);
        }

        flushed();
        JsonNode request = exporter.single("llm.request");
        assertThat(request.get("run_id").asText()).isEqualTo(runId);
        assertThat(request.get("user_id").asText()).isEqualTo("user-1");
        assertThat(request.get("parent_event_id").asText()).isEqualTo(stepId);
        assertThat(exporter.ofType("run.start")).isEmpty();
    }

    @Test
    void theNextTurnIsThreadedIntoTheFirstTurnsRun() {
        recorder.call(() -> request(List.of(QUESTION)), () -> "Sunny.", ModelCallRecorderTest::answer, e -> null);
        recorder.call(() -> request(List.of(QUESTION, Map.of("role", "assistant", "content", "Sunny."),
                Map.of("role", "user", "content", "And tomorrow?"))), () -> "Rain.", ModelCallRecorderTest::answer,
                e -> null);
        recorder.call(() -> request(List.of(QUESTION)), () -> "Sunny.", ModelCallRecorderTest::answer, e -> null);

        flushed();
        List<String> runs = exporter.ofType("llm.request").stream().map(e -> e.get("run_id").asText()).toList();
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        assertThat(runs.get(2)).isNotEqualTo(runs.get(0));
        assertThat(exporter.ofType("run.start")).hasSize(2);
    }

    @Test
    void anAsynchronousCallHandsBackTheCallsOwnFuture() {
        CompletableFuture<String> future = new CompletableFuture<>();

        CompletableFuture<String> returned = recorder.callAsync(() -> request(List.of(QUESTION)), () -> future,
                ModelCallRecorderTest::answer, e -> null);
        future.complete("Sunny.");

        assertThat(returned).isSameAs(future);
        flushed();
        assertThat(exporter.single("llm.response").get("payload").get("response_text").asText()).isEqualTo("Sunny.");
    }

    /** Assembles the text of string chunks; a chunk "!" is output the accumulator cannot read. */
    private static final class Chunks implements StreamAccumulator<String> {
        private final StringBuilder text = new StringBuilder();

        @Override
        public boolean accept(String chunk) {
            if (chunk.equals("!")) {
                throw new IllegalArgumentException("unreadable");
            }
            text.append(chunk);
            return true;
        }

        @Override
        public LlmCallResult result() {
            return answer(text.toString());
        }
    }

    @Test
    void aStreamGivesTheSameElementsAndRecordsTheAssembledAnswerWithTimeToFirstToken() {
        List<String> seen = recorder.stream(() -> request(List.of(QUESTION)), () -> Stream.of("It ", "is ", "sunny."),
                (call, stream) -> new StreamRecording<>(call, new Chunks(), e -> null)
                        .observe(stream), e -> null).collect(Collectors.toList());

        assertThat(seen).containsExactly("It ", "is ", "sunny.");
        flushed();
        JsonNode response = exporter.single("llm.response").get("payload");
        assertThat(response.get("response_text").asText()).isEqualTo("It is sunny.");
        assertThat(response.get("time_to_first_token_ms").asLong()).isNotNegative();
    }

    @Test
    void aStreamClosedEarlyIsRecordedWithWhatArrivedAndAnUnreadableElementNeverReachesTheApplication() {
        List<String> seen;
        try (Stream<String> stream = recorder.stream(() -> request(List.of(QUESTION)),
                () -> Stream.of("It ", "!", "is ", "sunny."), (call, source) -> {
                    StreamRecording<String> recording = new StreamRecording<>(
                            call, new Chunks(), e -> null);
                    return recording.observe(source).onClose(recording::closed);
                }, e -> null)) {
            seen = stream.limit(3).collect(Collectors.toList());
        }

        assertThat(seen).containsExactly("It ", "!", "is ");
        flushed();
        assertThat(exporter.single("llm.response").get("payload").get("response_text").asText()).isEqualTo("It ");
    }

    @Test
    void aRequestThatCannotBeDescribedIsNotRecordedAndTheCallStillRuns() {
        String result = recorder.call(() -> {
            throw new IllegalArgumentException("unknown message type");
        }, () -> "Sunny.", ModelCallRecorderTest::answer, e -> null);

        assertThat(result).isEqualTo("Sunny.");
        assertThat(flushed()).isEmpty();
    }
}
