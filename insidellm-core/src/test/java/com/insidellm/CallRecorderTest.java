package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallRecorderTest {

    private static final String RUN = "11111111-1111-4111-8111-111111111111";
    private static final String PARENT = "22222222-2222-4222-8222-222222222222";

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.clientBuilder(exporter).build();
    private final Instant start = Instant.parse("2026-01-02T03:04:05Z");
    private final CallRecorder recorder = CallRecorder.of(client, Clock.fixed(start, ZoneOffset.UTC));
    private final InsideLlmContext where = InsideLlmContext.of(RUN, "user-1").withParent(PARENT);

    @AfterEach
    void close() {
        client.close();
    }

    private List<JsonNode> delivered() {
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        return exporter.events();
    }

    @Test
    void aCallsEventsLinkItsOpeningEventToTheScopeAndItsAnswerToTheOpeningEvent() {
        CallRecorder.Call call = recorder.open(where);
        String started = call.start(Event.builder(EventType.TOOL_CALL)
                .payload(new Payload.ToolCall("search", "function", Map.of("q", "x"))));
        String nested;
        try (InsideLlmContext.Scope ignored = call.makeCurrent()) {
            InsideLlmContext inside = InsideLlmContext.current();
            nested = recorder.log(inside, Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput("hi")));
        }
        String ended = call.end(Event.builder(EventType.TOOL_RESPONSE)
                .payload(new Payload.ToolResponse("search", "function", "found")));

        assertThat(started).isEqualTo(call.eventId());
        assertThat(InsideLlmContext.current()).isNull();
        List<JsonNode> events = delivered();
        assertThat(events).extracting(e -> e.get("event_id").asText()).containsExactly(started, nested, ended);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("run_id").asText()).isEqualTo(RUN);
            assertThat(e.get("user_id").asText()).isEqualTo("user-1");
        });
        assertThat(events.get(0).get("parent_event_id").asText()).isEqualTo(PARENT);
        assertThat(events.get(0).get("timestamp").asText()).startsWith("2026-01-02T03:04:05");
        assertThat(events.get(1).get("parent_event_id").asText()).isEqualTo(started);
        assertThat(events.get(2).get("parent_event_id").asText()).isEqualTo(started);
    }

    @Test
    void aCompletedCallIsOneEventWithTheCallsIdStampedAtItsStart() {
        CallRecorder.Call call = recorder.open(where);
        String child = recorder.log(call.context(), Event.builder(EventType.USER_INPUT)
                .payload(new Payload.UserInput("inside")));
        String done = call.complete(Event.builder(EventType.FUNCTION_EXECUTION)
                .payload(new Payload.FunctionExecution("f", Map.of(), 1, call.elapsedMs(), true, null)));

        List<JsonNode> events = delivered();
        JsonNode function = events.get(1);
        assertThat(done).isEqualTo(call.eventId());
        assertThat(function.get("event_id").asText()).isEqualTo(done);
        assertThat(function.get("parent_event_id").asText()).isEqualTo(PARENT);
        assertThat(function.get("timestamp").asText()).startsWith("2026-01-02T03:04:05");
        assertThat(events.get(0).get("event_id").asText()).isEqualTo(child);
        assertThat(events.get(0).get("parent_event_id").asText()).isEqualTo(done);
    }

    @Test
    void anExceptionPassingThroughNestedCallsIsOneErrorEventAtTheInnermostCall() {
        CallRecorder.Call outer = recorder.open(where);
        CallRecorder.Call inner = recorder.open(outer.context());
        IllegalStateException failure = new IllegalStateException("quota exceeded",
                new java.io.IOException("socket closed"));

        String innerError = inner.fail("tool_error", failure, Map.of("tool_name", "search"));
        String outerError = outer.fail("llm_error", failure, Map.of());

        assertThat(innerError).isNotNull();
        assertThat(outerError).isNull();
        JsonNode error = delivered().get(0);
        assertThat(error.get("parent_event_id").asText()).isEqualTo(inner.eventId());
        JsonNode payload = error.get("payload");
        assertThat(payload.get("error_type").asText()).isEqualTo("tool_error");
        assertThat(payload.get("error_message").asText()).isEqualTo("quota exceeded");
        assertThat(payload.get("severity").asText()).isEqualTo("error");
        assertThat(payload.get("context").get("tool_name").asText()).isEqualTo("search");
        assertThat(payload.get("context").get("exception_class").asText())
                .isEqualTo("java.lang.IllegalStateException");
        assertThat(payload.get("stack_trace").asText())
                .startsWith("java.lang.IllegalStateException: quota exceeded")
                .contains("Caused by: java.io.IOException: socket closed");
    }

    @Test
    void errorMessagesFallBackToTheClassNameAndHideContentWhenCaptureIsOff() {
        assertThat(CallRecorder.errorMessage(new IllegalStateException("secret prompt"), true))
                .isEqualTo("secret prompt");
        assertThat(CallRecorder.errorMessage(new IllegalStateException("secret prompt"), false))
                .isEqualTo("java.lang.IllegalStateException");
        assertThat(CallRecorder.errorMessage(new IllegalStateException(""), true))
                .isEqualTo("java.lang.IllegalStateException");
        assertThat(CallRecorder.errorMessage(new NullPointerException(), true))
                .isEqualTo("java.lang.NullPointerException");
    }

    @Test
    void longStackTracesAreCutAndSayHowMuchWasLeftOut() {
        RuntimeException deep = new RuntimeException("deep");
        StackTraceElement frame = new StackTraceElement("com.example.Deep", "recurse", "Deep.java", 42);
        StackTraceElement[] frames = new StackTraceElement[5_000];
        java.util.Arrays.fill(frames, frame);
        deep.setStackTrace(frames);

        String trace = CallRecorder.stackTrace(deep);

        assertThat(trace).startsWith("java.lang.RuntimeException: deep")
                .matches("(?s).*\\.\\.\\. \\[\\d+ more characters]$");
        assertThat(trace.length()).isLessThan(CallRecorder.MAX_STACK_TRACE_CHARS + 40);
    }

    @Test
    void timeToFirstTokenIsMeasuredFromTheCallsStartOnce() {
        CallRecorder.Call call = recorder.open(where);
        assertThat(call.timeToFirstTokenMs()).isNull();
        call.firstToken();
        Long first = call.timeToFirstTokenMs();
        call.firstToken();
        assertThat(first).isNotNull().isGreaterThanOrEqualTo(0L);
        assertThat(call.timeToFirstTokenMs()).isEqualTo(first);
    }

    @Test
    void anEventThatCannotBeBuiltIsDroppedWithoutThrowing() {
        String id = recorder.log(where, Event.builder(EventType.USER_INPUT)); // no payload: input_text is missing

        assertThat(id).isNotNull();
        assertThat(delivered()).isEmpty();
    }

    @Test
    void theNoopClientRecordsNothingButStillHandsOutIds() {
        CallRecorder noop = CallRecorder.of(InsideLlmClient.noop());
        CallRecorder.Call call = noop.open(where);

        assertThat(noop.recording()).isFalse();
        assertThat(call.start(Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput("x"))))
                .isEqualTo(call.eventId());
        assertThat(call.eventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void runIdsAreCheckedAndStoredCanonicalEvenWhenTheSameRunRepeats() {
        String upper = RUN.toUpperCase(java.util.Locale.ROOT).replace('1', 'A');
        for (int i = 0; i < 2; i++) {
            recorder.log(upper, "u", null, Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput("a")));
            recorder.log(RUN, "u", null, Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput("b")));
        }
        recorder.log("not-a-uuid", "u", null, Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput("c")));

        assertThat(delivered()).extracting(e -> e.get("run_id").asText()).containsExactly(
                upper.toLowerCase(java.util.Locale.ROOT), RUN, upper.toLowerCase(java.util.Locale.ROOT), RUN);
        assertThat(client.stats().dropped(DropReason.INVALID_EVENT)).isOne();
    }
}
