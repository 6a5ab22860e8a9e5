package com.insidellm.modelcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.CapturingExporter;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runs that the provider SDK wrappers' automatic threading starts end when idle and at close (issue 12 item 5). */
class ModelCallRecorderRunsTest {

    /** A clock the test moves forward by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-03-01T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.clientBuilder(exporter).build();
    private final ModelCallRecorder recorder = ModelCallRecorder.builder(client).source("test-sdk")
            .runIdleTimeout(Duration.ofMinutes(30)).clock(clock).build();

    @AfterEach
    void close() {
        recorder.close();
        client.close();
    }

    private static final Map<String, ?> QUESTION = Map.of("role", "user", "content", "Weather in Paris?");
    private static final Map<String, ?> ANSWER = Map.of("role", "assistant", "content", "Sunny.");
    private static final Map<String, ?> FOLLOW_UP = Map.of("role", "user", "content", "And tomorrow?");

    private String call(List<Map<String, ?>> messages, String text) {
        return recorder.call(() -> new ModelCallRecorder.Request(new Payload.LlmRequest("gpt-4o-mini", "openai",
                        "Hi", null, null, messages), Map.of("call_type", "chat"), false), () -> text,
                t -> LlmCallResult.builder(t).responseMessage(Map.of("role", "assistant", "content", t)).build(),
                error -> null);
    }

    private List<JsonNode> flushed() {
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        return exporter.events();
    }

    @Test
    void anIdleRunEndsAtItsLastCallAndTheContinuedConversationNamesIt() {
        call(List.of(QUESTION), "Sunny.");
        clock.advance(Duration.ofMinutes(29));
        assertThat(recorder.endIdleRuns()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(recorder.endIdleRuns()).isEqualTo(1);

        call(List.of(QUESTION, ANSWER, FOLLOW_UP), "Rain.");

        flushed();
        List<JsonNode> starts = exporter.ofType("run.start");
        assertThat(starts).hasSize(2);
        String first = starts.get(0).get("run_id").asText();
        String second = starts.get(1).get("run_id").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(starts.get(1).get("payload").get("initial_context").get("previous_run_id").asText())
                .isEqualTo(first);
        assertThat(starts.get(1).get("payload").get("session_type").asText()).isEqualTo("test-sdk");
        JsonNode end = exporter.single("run.end");
        assertThat(end.get("run_id").asText()).isEqualTo(first);
        assertThat(end.get("payload").get("exit_reason").asText()).isEqualTo("idle");
        // Ended at its last call, not when the check ran.
        assertThat(end.get("payload").get("session_duration_ms").asLong()).isZero();
        assertThat(exporter.ofType("llm.request")).extracting(e -> e.get("run_id").asText())
                .containsExactly(first, second);
    }

    @Test
    void aRunInUseStaysOpenAndCloseEndsIt() {
        call(List.of(QUESTION), "Sunny.");
        clock.advance(Duration.ofMinutes(20));
        call(List.of(QUESTION, ANSWER, FOLLOW_UP), "Rain.");
        clock.advance(Duration.ofMinutes(20));
        assertThat(recorder.endIdleRuns()).isZero();

        recorder.close();
        recorder.close();

        flushed();
        String run = exporter.single("run.start").get("run_id").asText();
        JsonNode end = exporter.single("run.end");
        assertThat(end.get("run_id").asText()).isEqualTo(run);
        assertThat(end.get("payload").get("exit_reason").asText()).isEqualTo("client_closed");
        assertThat(end.get("payload").get("session_duration_ms").asLong()).isEqualTo(Duration.ofMinutes(40).toMillis());
    }

    @Test
    void aRunStartedForACallIsInUseUntilItsAnswerCame() {
        ModelCall call = recorder.start(() -> new ModelCallRecorder.Request(new Payload.LlmRequest("gpt-4o-mini",
                "openai", "Hi", null, null, List.of(QUESTION)), Map.of("call_type", "chat"), false));
        clock.advance(Duration.ofMinutes(5));
        call.succeeded(LlmCallResult.builder("Sunny.").build());
        clock.advance(Duration.ofMinutes(29));
        assertThat(recorder.endIdleRuns()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(recorder.endIdleRuns()).isEqualTo(1);

        flushed();
        JsonNode end = exporter.single("run.end");
        assertThat(end.get("payload").get("exit_reason").asText()).isEqualTo("idle");
        assertThat(end.get("payload").get("session_duration_ms").asLong()).isEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void theApplicationsOwnRunIsNeverEndedHere() {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of("app-run", "u").makeCurrent()) {
            call(List.of(QUESTION), "Sunny.");
        }
        clock.advance(Duration.ofHours(1));
        assertThat(recorder.endIdleRuns()).isZero();
        recorder.close();

        flushed();
        assertThat(exporter.ofType("run.end")).isEmpty();
    }

    @Test
    void theIdleTimeoutIsBounded() {
        assertThatThrownBy(() -> ModelCallRecorder.builder(client).runIdleTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runIdleTimeout must be between 1 second and 30 days, but was PT0.01S");
    }
}
