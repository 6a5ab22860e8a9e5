package com.insidellm.modelcall;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.CapturingExporter;
import com.insidellm.DropReason;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests and answers described later ({@link ModelCallRecorder#startLater}, {@link ModelCall#succeededLater}): the
 * same events as when described at once, described once and off the caller's thread inside a context, at once
 * outside one, and never reaching the application when the description fails.
 */
class ModelCallRecorderLaterTest {

    private static final String RUN_ID = "5b0a3f4e-8d0c-4a57-9a71-2f7f2ab3c111";

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.clientBuilder(exporter).build();
    private final ModelCallRecorder recorder = ModelCallRecorder.builder(client).source("test-sdk").build();

    @AfterEach
    void close() {
        recorder.close();
        client.close();
    }

    private static ModelCallRecorder.Request request(String question, boolean stream) {
        List<Map<String, ?>> messages = List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", question));
        return new ModelCallRecorder.Request(new Payload.LlmRequest("gemini-2.5-flash", "google", question,
                Map.of("temperature", 0.2), "Be brief.", messages), Map.of("call_type", "chat",
                "tools", List.of(Map.of("type", "function", "function", Map.of("name", "get_weather")))), stream);
    }

    private static LlmCallResult answer(String text) {
        return LlmCallResult.builder(text).responseMessage(Map.of("role", "assistant", "content", text))
                .finishReason("stop").usage(TokenUsage.of(10, 5)).responseId("resp-1")
                .responseModel("gemini-2.5-flash-001").build();
    }

    private List<JsonNode> flushed() {
        assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
        return exporter.events();
    }

    /** A description that counts its asks and notes the threads that asked. */
    private static final class Counted<T> implements Supplier<T> {
        final AtomicInteger asks = new AtomicInteger();
        final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        private final Supplier<T> value;

        Counted(Supplier<T> value) {
            this.value = value;
        }

        @Override
        public T get() {
            asks.incrementAndGet();
            threads.add(Thread.currentThread());
            return value.get();
        }
    }

    @Test
    void aCallDescribedLaterRecordsTheSameEventsAsOneDescribedAtOnce() {
        for (boolean stream : new boolean[] {false, true}) {
            try (InsideLlmContext.Scope ignored = InsideLlmContext.of(RUN_ID, "user-7").makeCurrent()) {
                ModelCall now = recorder.start(() -> request("Weather in Paris?", stream));
                now.firstToken();
                now.succeeded(answer("Sunny."));
                ModelCall later = recorder.startLater("gemini-2.5-flash", "google", stream, 400,
                        () -> request("Weather in Paris?", stream));
                later.firstToken();
                later.succeededLater(() -> answer("Sunny."), 200);
            }
        }

        flushed();
        List<JsonNode> requests = exporter.ofType("llm.request");
        List<JsonNode> responses = exporter.ofType("llm.response");
        assertThat(requests).hasSize(4);
        assertThat(responses).hasSize(4);
        for (int pair = 0; pair < 4; pair += 2) {
            JsonNode now = requests.get(pair).get("payload");
            JsonNode later = requests.get(pair + 1).get("payload");
            assertThat(later).isEqualTo(now);
            // Same keys in the same wire order.
            assertThat(fieldNames(later)).isEqualTo(fieldNames(now));
            ObjectNode nowAnswer = responses.get(pair).get("payload").deepCopy();
            ObjectNode laterAnswer = responses.get(pair + 1).get("payload").deepCopy();
            assertThat(fieldNames(laterAnswer)).isEqualTo(fieldNames(nowAnswer));
            // The latencies are each call's own.
            for (ObjectNode answer : List.of(nowAnswer, laterAnswer)) {
                assertThat(answer.remove("response_time_ms").asLong()).isNotNegative();
                assertThat(answer.remove("time_to_first_token_ms")).isNotNull();
            }
            assertThat(laterAnswer).isEqualTo(nowAnswer);
            assertThat(laterAnswer.get("cost").asDouble()).isPositive();
            assertThat(responses.get(pair + 1).get("parent_event_id"))
                    .isEqualTo(requests.get(pair + 1).get("event_id"));
        }
        assertThat(requests.get(2).get("payload").get("stream").asBoolean()).isTrue();
        assertThat(exporter.events()).extracting(e -> e.get("run_id").asText()).containsOnly(RUN_ID);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void insideAContextTheRequestAndAnswerAreDescribedOnceOffTheCallersThread() {
        Counted<ModelCallRecorder.Request> described = new Counted<>(() -> request("Weather?", false));
        Counted<LlmCallResult> answered = new Counted<>(() -> answer("Sunny."));

        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(RUN_ID, "user-7").makeCurrent()) {
            ModelCall call = recorder.startLater("gemini-2.5-flash", "google", false, 400, described);
            call.succeededLater(answered, 200);
        }
        assertThat(described.threads).doesNotContain(Thread.currentThread());
        assertThat(answered.threads).doesNotContain(Thread.currentThread());

        flushed();
        assertThat(exporter.single("llm.request").get("payload").get("prompt").asText()).isEqualTo("Weather?");
        assertThat(exporter.single("llm.response").get("payload").get("response_text").asText()).isEqualTo("Sunny.");
        // The event and automatic threading (which remembers the conversation) share one description of each.
        assertThat(described.asks).hasValue(1);
        assertThat(answered.asks).hasValue(1);
        assertThat(described.threads).doesNotContain(Thread.currentThread());
    }

    @Test
    void outsideAContextTheRequestIsDescribedAtOnceAndTheNextTurnIsThreaded() {
        Counted<ModelCallRecorder.Request> first = new Counted<>(() -> request("Weather?", false));

        ModelCall call = recorder.startLater("gemini-2.5-flash", "google", false, 400, first);
        assertThat(first.asks).hasValue(1);
        assertThat(first.threads).containsExactly(Thread.currentThread());
        call.succeededLater(() -> answer("Sunny."), 200);

        List<Map<String, ?>> next = List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather?"), Map.of("role", "assistant", "content", "Sunny."),
                Map.of("role", "user", "content", "And tomorrow?"));
        recorder.startLater("gemini-2.5-flash", "google", false, 400, () -> new ModelCallRecorder.Request(
                new Payload.LlmRequest("gemini-2.5-flash", "google", "And tomorrow?", null, "Be brief.", next),
                Map.of("call_type", "chat"), false)).succeeded(answer("Warmer."));

        flushed();
        List<JsonNode> requests = exporter.ofType("llm.request");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).get("run_id")).isEqualTo(requests.get(0).get("run_id"));
        assertThat(exporter.ofType("run.start")).hasSize(1);
    }

    @Test
    void outsideAContextOnlyTheMessagesAreReadAtOnceAndTheNextTurnIsThreaded() {
        Counted<ModelCallRecorder.Request> first = new Counted<>(() -> request("Weather?", false));
        Counted<List<Map<String, ?>>> firstMessages = new Counted<>(() -> request("Weather?", false).request()
                .messages().stream().<Map<String, ?>>map(m -> m).toList());

        ModelCall call = recorder.startLater("gemini-2.5-flash", "google", false, 400, firstMessages, first);
        assertThat(firstMessages.threads).containsExactly(Thread.currentThread());
        call.succeededLater(() -> answer("Sunny."), 200);
        assertThat(first.threads).doesNotContain(Thread.currentThread());

        List<Map<String, ?>> next = List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather?"), Map.of("role", "assistant", "content", "Sunny."),
                Map.of("role", "user", "content", "And tomorrow?"));
        recorder.startLater("gemini-2.5-flash", "google", false, 400, () -> next, () -> new ModelCallRecorder.Request(
                new Payload.LlmRequest("gemini-2.5-flash", "google", "And tomorrow?", null, "Be brief.", next),
                Map.of("call_type", "chat"), false)).succeeded(answer("Warmer."));

        flushed();
        List<JsonNode> requests = exporter.ofType("llm.request");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).get("payload").get("tools")).hasSize(1);
        assertThat(requests.get(1).get("run_id")).isEqualTo(requests.get(0).get("run_id"));
        assertThat(exporter.ofType("run.start")).hasSize(1);
        // Described once: for the event, and for threading (here by the next turn's look-up, on its caller).
        assertThat(first.asks).hasValue(1);
    }

    @Test
    void aRequestThatCannotBeDescribedLaterIsDroppedWithItsAnswerAndNeverReachesTheApplication() {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(RUN_ID, "user-7").makeCurrent()) {
            ModelCall broken = recorder.startLater("gemini-2.5-flash", "google", false, 400, () -> {
                throw new IllegalStateException("not JSON");
            });
            broken.succeededLater(() -> answer("Sunny."), 200);
            ModelCall unreadable = recorder.startLater("gemini-2.5-flash", "google", false, 400,
                    () -> request("Weather?", false));
            unreadable.succeededLater(() -> {
                throw new IllegalStateException("not JSON");
            }, 200);
        }

        List<JsonNode> events = flushed();
        assertThat(events).extracting(e -> e.get("event_type").asText()).containsExactly("llm.request");
        assertThat(exporter.single("llm.request").get("payload").get("prompt").asText()).isEqualTo("Weather?");
        assertThat(client.stats().dropped(DropReason.INVALID_EVENT)).isEqualTo(3);
    }

    @Test
    void aFailedCallDescribedLaterIsRecordedAsAnErrorUnderItsRequest() {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(RUN_ID, "user-7").makeCurrent()) {
            ModelCall call = recorder.startLater("gemini-2.5-flash", "google", false, 400,
                    () -> request("Weather?", false));
            call.failed(new IllegalStateException("rate limited"), 429);
        }

        flushed();
        JsonNode request = exporter.single("llm.request");
        JsonNode error = exporter.single("error");
        assertThat(error.get("parent_event_id")).isEqualTo(request.get("event_id"));
        assertThat(error.get("payload").get("error_code").asText()).isEqualTo("429");
        assertThat(error.get("payload").get("context").get("model_name").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(error.get("payload").get("context").get("provider").asText()).isEqualTo("google");
    }
}
