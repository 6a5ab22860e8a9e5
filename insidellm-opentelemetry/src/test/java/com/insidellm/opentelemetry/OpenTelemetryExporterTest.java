package com.insidellm.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.PriceTable;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryExporterTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    /** Runs the events through a real client (no API key: only our exporter) and returns the finished spans. */
    private List<SpanData> export(OpenTelemetryExporter exporter, List<Event> events) {
        try (InsideLlmClient client = InsideLlmClient.builder().addExporter(exporter).prices(PriceTable.defaults())
                .shutdownHook(false).build()) {
            events.forEach(client::logEvent);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        return spans.getFinishedSpanItems();
    }

    private List<SpanData> exportScenario(AgentScenario scenario, boolean content, Dialect dialect) {
        return export(OpenTelemetryExporter.builder().openTelemetry(sdk).captureContent(content).dialect(dialect)
                .build(), scenario.events());
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.stream()
                        .map(SpanData::getName).toList()));
    }

    private static long micros(Instant t) {
        return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1000;
    }

    @Test
    void aRunIsOneTraceWhoseRootLastsFromRunStartToRunEnd() {
        AgentScenario run = new AgentScenario();
        List<SpanData> out = exportScenario(run, false, Dialect.GEN_AI);

        SpanData root = named(out, "invoke_agent support");
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(out).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(root.getTraceId()));
        assertThat(TimeUnit.NANOSECONDS.toMicros(root.getStartEpochNanos())).isEqualTo(micros(AgentScenario.T0));
        assertThat(TimeUnit.NANOSECONDS.toMicros(root.getEndEpochNanos()))
                .isEqualTo(micros(AgentScenario.T0.plusMillis(2000)));
        assertThat(root.getAttributes().get(GenAiMapping.OPERATION_NAME)).isEqualTo("invoke_agent");
        assertThat(root.getAttributes().get(GenAiMapping.CONVERSATION_ID)).isEqualTo(run.runId);
        assertThat(root.getAttributes().get(GenAiMapping.USER_ID)).isEqualTo(AgentScenario.USER);
        assertThat(root.getAttributes().get(GenAiMapping.EXIT_REASON)).isEqualTo("completed");
        // Chain, two model calls and a tool call under it, the carrier of the late feedback; no span for the chunk.
        assertThat(out).extracting(SpanData::getName).containsExactlyInAnyOrder("invoke_agent support",
                "invoke_agent SupportAssistant", "chat gpt-4o", "chat gpt-4o", "execute_tool order_status",
                "gen_ai.evaluation.result");
    }

    @Test
    void aRequestAndItsResponseAreOneChatSpanWithTheRealTimesModelParametersUsageAndCost() {
        AgentScenario run = new AgentScenario();
        List<SpanData> out = exportScenario(run, false, Dialect.GEN_AI);
        SpanData agent = named(out, "invoke_agent SupportAssistant");
        List<SpanData> chats = out.stream().filter(s -> s.getName().equals("chat gpt-4o"))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
        SpanData first = chats.get(0);

        assertThat(first.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(first.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(TimeUnit.NANOSECONDS.toMicros(first.getStartEpochNanos()))
                .isEqualTo(micros(AgentScenario.T0.plusMillis(20)));
        assertThat(TimeUnit.NANOSECONDS.toMicros(first.getEndEpochNanos()))
                .isEqualTo(micros(AgentScenario.T0.plusMillis(820)));
        var a = first.getAttributes();
        assertThat(a.get(GenAiMapping.OPERATION_NAME)).isEqualTo("chat");
        assertThat(a.get(GenAiMapping.PROVIDER_NAME)).isEqualTo("openai");
        assertThat(a.get(GenAiMapping.REQUEST_MODEL)).isEqualTo("gpt-4o");
        assertThat(a.get(GenAiMapping.REQUEST_TEMPERATURE)).isEqualTo(0.2);
        assertThat(a.get(GenAiMapping.REQUEST_MAX_TOKENS)).isEqualTo(256L);
        assertThat(a.get(GenAiMapping.REQUEST_STOP_SEQUENCES)).containsExactly("END");
        assertThat(a.get(GenAiMapping.RESPONSE_ID)).isEqualTo("chatcmpl-1");
        assertThat(a.get(GenAiMapping.RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
        assertThat(a.get(GenAiMapping.RESPONSE_FINISH_REASONS)).containsExactly("tool_calls");
        assertThat(a.get(GenAiMapping.USAGE_INPUT_TOKENS)).isEqualTo(1200L);
        assertThat(a.get(GenAiMapping.USAGE_OUTPUT_TOKENS)).isEqualTo(40L);
        assertThat(a.get(GenAiMapping.USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1024L);
        assertThat(a.get(GenAiMapping.CONVERSATION_ID)).isEqualTo(run.runId);
        // The client's price table filled in the cost; the span carries it.
        assertThat(a.get(GenAiMapping.COST_USD)).isNotNull().isPositive();

        SpanData second = chats.get(1);
        assertThat(second.getAttributes().get(GenAiMapping.USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(4L);
        // First chunk 300 ms after the request.
        assertThat(second.getAttributes().get(GenAiMapping.RESPONSE_TIME_TO_FIRST_CHUNK)).isEqualTo(0.3);
    }

    @Test
    void toolCallsCarryNameTypeAndCallIdAndFailuresSetErrorType() {
        AgentScenario run = new AgentScenario();
        List<SpanData> out = exportScenario(run, false, Dialect.GEN_AI);
        SpanData tool = named(out, "execute_tool order_status");
        assertThat(tool.getAttributes().get(GenAiMapping.OPERATION_NAME)).isEqualTo("execute_tool");
        assertThat(tool.getAttributes().get(GenAiMapping.TOOL_NAME)).isEqualTo("order_status");
        assertThat(tool.getAttributes().get(GenAiMapping.TOOL_TYPE)).isEqualTo("function");
        assertThat(tool.getAttributes().get(GenAiMapping.TOOL_CALL_ID)).isEqualTo("call_1");
        assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(tool.getEndEpochNanos() - tool.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));

        String runId = UUID.randomUUID().toString();
        String call = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-03-01T11:00:00Z");
        spans.reset();
        List<SpanData> failed = export(OpenTelemetryExporter.builder().openTelemetry(sdk).build(), List.of(
                Event.builder(EventType.TOOL_CALL).runId(runId).userId("u").timestamp(t).eventId(call)
                        .payload(new Payload.ToolCall("search", "function", Map.of("q", "x"))).build(),
                Event.builder(EventType.TOOL_RESPONSE).runId(runId).userId("u").timestamp(t.plusMillis(50))
                        .parentEventId(call)
                        .payload(new Payload.ToolResponse("search", "function", null, null, 50L, false, "timeout"))
                        .build(),
                Event.builder(EventType.RUN_END).runId(runId).userId("u").timestamp(t.plusMillis(60))
                        .payload(new Payload.RunEnd(runId, 60L, null, "error")).build()));
        SpanData failedTool = named(failed, "execute_tool search");
        assertThat(failedTool.getAttributes().get(GenAiMapping.ERROR_TYPE)).isEqualTo("tool_error");
        assertThat(failedTool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failedTool.getStatus().getDescription()).isEqualTo("timeout");
        // A run seen without its run.start still gets a root span, ended by run.end.
        SpanData root = named(failed, "invoke_agent");
        assertThat(failedTool.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void singleEventsBecomeSpanEventsOnTheSpanTheyBelongTo() {
        AgentScenario run = new AgentScenario();
        List<SpanData> out = exportScenario(run, false, Dialect.GEN_AI);
        SpanData root = named(out, "invoke_agent support");
        assertThat(root.getEvents()).extracting(EventData::getName)
                .containsExactly("insidellm.user.input", "insidellm.agent.response", "insidellm.metric");
        EventData metric = root.getEvents().get(2);
        assertThat(metric.getAttributes().get(GenAiMapping.METRIC_NAME)).isEqualTo("answer_latency");
        assertThat(metric.getAttributes().get(GenAiMapping.METRIC_VALUE)).isEqualTo(1960.0);
        assertThat(metric.getEpochNanos()).isEqualTo(TimeUnit.MICROSECONDS.toNanos(
                micros(AgentScenario.T0.plusMillis(1970))));

        // Feedback on the second answer, which had ended: a zero-length carrier span under that model call.
        SpanData secondChat = out.stream().filter(s -> s.getName().equals("chat gpt-4o"))
                .max((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).orElseThrow();
        SpanData carrier = named(out, "gen_ai.evaluation.result");
        assertThat(carrier.getParentSpanId()).isEqualTo(secondChat.getSpanId());
        assertThat(carrier.getAttributes().get(GenAiMapping.CARRIER)).isTrue();
        EventData feedback = carrier.getEvents().get(0);
        assertThat(feedback.getName()).isEqualTo("gen_ai.evaluation.result");
        assertThat(feedback.getAttributes().get(GenAiMapping.EVALUATION_NAME)).isEqualTo("thumbs");
        assertThat(feedback.getAttributes().get(GenAiMapping.EVALUATION_SCORE_VALUE)).isEqualTo(1.0);
        assertThat(feedback.getAttributes().get(GenAiMapping.EVALUATION_SCORE_LABEL)).isEqualTo("true");
        // Explanation is content: absent when capture is off.
        assertThat(feedback.getAttributes().get(GenAiMapping.EVALUATION_EXPLANATION)).isNull();
    }

    @Test
    void anErrorEventBecomesAnExceptionEventAndFailsTheSpanItBelongsTo() {
        String runId = UUID.randomUUID().toString();
        String request = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-03-01T12:00:00Z");
        List<SpanData> out = export(OpenTelemetryExporter.builder().openTelemetry(sdk).build(), List.of(
                Event.builder(EventType.LLM_REQUEST).runId(runId).userId("u").timestamp(t).eventId(request)
                        .payload(new Payload.LlmRequest("claude-sonnet-4", "anthropic", "hi")).build(),
                Event.builder(EventType.ERROR).runId(runId).userId("u").timestamp(t.plusMillis(30))
                        .parentEventId(request).payload(new Payload.Error("RateLimitError", "429 from provider"))
                        .build(),
                Event.builder(EventType.RUN_END).runId(runId).userId("u").timestamp(t.plusMillis(40))
                        .payload(new Payload.RunEnd(runId, 40L, null, "completed")).build()));
        SpanData chat = named(out, "chat claude-sonnet-4");
        assertThat(chat.getAttributes().get(GenAiMapping.PROVIDER_NAME)).isEqualTo("anthropic");
        assertThat(chat.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(e.getAttributes().get(GenAiMapping.EXCEPTION_TYPE)).isEqualTo("RateLimitError");
            assertThat(e.getAttributes().get(GenAiMapping.EXCEPTION_MESSAGE)).isEqualTo("429 from provider");
        });
        assertThat(chat.getAttributes().get(GenAiMapping.ERROR_TYPE)).isEqualTo("RateLimitError");
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        // The request never got its response: the run's end closes it.
        assertThat(chat.getEndEpochNanos()).isEqualTo(TimeUnit.MICROSECONDS.toNanos(micros(t.plusMillis(40))));
    }

    @Test
    void contentIsAbsentWhenCaptureIsOff() {
        List<SpanData> out = exportScenario(new AgentScenario(), false, Dialect.LANGFUSE);
        assertThat(out).allSatisfy(s -> {
            assertThat(s.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
                    .doesNotContain("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
                            "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "langfuse.observation.input",
                            "langfuse.observation.output", "insidellm.content");
            s.getEvents().forEach(e -> assertThat(e.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
                    .doesNotContain("gen_ai.input.messages", "gen_ai.output.messages",
                            "gen_ai.evaluation.explanation"));
        });
        assertThat(out.toString()).doesNotContain("Where is order 17?", "It shipped yesterday.", "support agent");
    }

    @Test
    void contentIsRecordedInTheConventionsStructuredFormWhenCaptureIsOn() {
        List<SpanData> out = exportScenario(new AgentScenario(), true, Dialect.GEN_AI);
        SpanData first = out.stream().filter(s -> s.getName().equals("chat gpt-4o"))
                .min((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).orElseThrow();
        assertThat(first.getAttributes().get(GenAiMapping.SYSTEM_INSTRUCTIONS))
                .isEqualTo("[{\"type\":\"text\",\"content\":\"You are a support agent.\"}]");
        assertThat(first.getAttributes().get(GenAiMapping.INPUT_MESSAGES)).isEqualTo(
                "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You are a support agent.\"}]},"
                        + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is order 17?\"}]}]");
        assertThat(first.getAttributes().get(GenAiMapping.OUTPUT_MESSAGES)).isEqualTo(
                "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\","
                        + "\"name\":\"order_status\",\"arguments\":{\"order\":17}}],\"finish_reason\":\"tool_calls\"}]");
        SpanData tool = named(out, "execute_tool order_status");
        assertThat(tool.getAttributes().get(GenAiMapping.TOOL_CALL_ARGUMENTS)).isEqualTo("{\"order\":17}");
        assertThat(tool.getAttributes().get(GenAiMapping.TOOL_CALL_RESULT)).isEqualTo("{\"status\":\"shipped\"}");
    }

    @Test
    void theLangfuseDialectAddsLangfuseNames() {
        List<SpanData> out = exportScenario(new AgentScenario(), true, Dialect.LANGFUSE);
        SpanData first = out.stream().filter(s -> s.getName().equals("chat gpt-4o"))
                .min((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).orElseThrow();
        var a = first.getAttributes();
        assertThat(a.get(GenAiMapping.LF_OBSERVATION_TYPE)).isEqualTo("generation");
        assertThat(a.get(GenAiMapping.LF_MODEL_NAME)).isEqualTo("gpt-4o");
        assertThat(a.get(GenAiMapping.LF_USAGE_DETAILS))
                .isEqualTo("{\"input\":1200,\"output\":40,\"total\":1240,\"input_cached_tokens\":1024}");
        assertThat(a.get(GenAiMapping.LF_COST_DETAILS)).startsWith("{\"total\":");
        assertThat(a.get(GenAiMapping.LF_SESSION_ID)).isEqualTo(a.get(GenAiMapping.CONVERSATION_ID));
        assertThat(a.get(GenAiMapping.LF_INPUT)).contains("Where is order 17?");
        assertThat(named(out, "execute_tool order_status").getAttributes().get(GenAiMapping.LF_OBSERVATION_TYPE))
                .isEqualTo("tool");
        assertThat(named(out, "invoke_agent support").getAttributes().get(GenAiMapping.LF_TRACE_NAME))
                .isEqualTo("invoke_agent support");
    }

    @Test
    void theOpenInferenceDialectAddsOpenInferenceNames() {
        List<SpanData> out = exportScenario(new AgentScenario(), true, Dialect.OPENINFERENCE);
        SpanData second = out.stream().filter(s -> s.getName().equals("chat gpt-4o"))
                .max((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).orElseThrow();
        var a = second.getAttributes();
        assertThat(a.get(GenAiMapping.OI_SPAN_KIND)).isEqualTo("LLM");
        assertThat(a.get(GenAiMapping.OI_MODEL_NAME)).isEqualTo("gpt-4o");
        assertThat(a.get(GenAiMapping.OI_TOKENS_PROMPT)).isEqualTo(1300L);
        assertThat(a.get(GenAiMapping.OI_TOKENS_COMPLETION)).isEqualTo(12L);
        assertThat(a.get(GenAiMapping.OI_TOKENS_TOTAL)).isEqualTo(1312L);
        assertThat(a.get(GenAiMapping.OI_TOKENS_REASONING)).isEqualTo(4L);
        assertThat(a.get(AttributeKey.stringKey("llm.output_messages.0.message.content")))
                .isEqualTo("It shipped yesterday.");
        assertThat(a.get(GenAiMapping.OI_SESSION_ID)).isEqualTo(a.get(GenAiMapping.CONVERSATION_ID));
        assertThat(named(out, "invoke_agent SupportAssistant").getAttributes().get(GenAiMapping.OI_SPAN_KIND))
                .isEqualTo("AGENT");
    }

    @Test
    void closingTheClientEndsWhatIsStillOpenAtTheLastTimeSeen() {
        String runId = UUID.randomUUID().toString();
        String request = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-03-01T13:00:00Z");
        OpenTelemetryExporter exporter = OpenTelemetryExporter.builder().openTelemetry(sdk).build();
        try (InsideLlmClient client = InsideLlmClient.builder().addExporter(exporter).shutdownHook(false).build()) {
            client.logEvent(Event.builder(EventType.RUN_START).runId(runId).userId("u").timestamp(t)
                    .payload(new Payload.RunStart(runId, null, null)).build());
            client.logEvent(Event.builder(EventType.LLM_REQUEST).runId(runId).userId("u").timestamp(t.plusMillis(5))
                    .eventId(request).payload(new Payload.LlmRequest("gpt-4o", "openai", "hi")).build());
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            // Flushed, but the run and the request are still open: nothing ended yet.
            assertThat(spans.getFinishedSpanItems()).isEmpty();
        }
        List<SpanData> out = spans.getFinishedSpanItems();
        assertThat(out).extracting(SpanData::getName).containsExactlyInAnyOrder("invoke_agent", "chat gpt-4o");
        SpanData chat = named(out, "chat gpt-4o");
        assertThat(chat.getAttributes().get(GenAiMapping.ERROR_TYPE)).isEqualTo("incomplete");
        assertThat(chat.getEndEpochNanos()).isEqualTo(chat.getStartEpochNanos());
        assertThat(named(out, "invoke_agent").getEndEpochNanos())
                .isEqualTo(TimeUnit.MICROSECONDS.toNanos(micros(t.plusMillis(5))));
        assertThat(exporter.shutdown(Duration.ZERO).isSuccess()).isTrue(); // idempotent
    }

    @Test
    void feedbackAfterTheRunEndedJoinsThatTraceInsteadOfOpeningANewRoot() {
        AgentScenario run = new AgentScenario();
        List<Event> events = new java.util.ArrayList<>(run.events());
        // The user rates the answer after the run has ended, as a thumbs-up button does.
        events.add(Event.builder(EventType.USER_FEEDBACK).runId(run.runId).userId(AgentScenario.USER)
                .timestamp(AgentScenario.T0.plusSeconds(30))
                .payload(new Payload.UserFeedback("stars", 5, run.response2, null)).build());
        OpenTelemetryExporter exporter = OpenTelemetryExporter.builder().openTelemetry(sdk).build();
        try (InsideLlmClient client = InsideLlmClient.builder().addExporter(exporter).shutdownHook(false).build()) {
            events.forEach(client::logEvent);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            // Before the fix, the late event opened a fresh root span of its own that stayed open until shutdown.
            assertThat(exporter.openRuns()).isZero();
        }
        List<SpanData> out = spans.getFinishedSpanItems();
        SpanData root = named(out, "invoke_agent support");
        assertThat(out).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(root.getTraceId()));
        assertThat(out).extracting(SpanData::getName).doesNotContain("invoke_agent")
                .filteredOn("gen_ai.evaluation.result"::equals).hasSize(2);
    }

    @Test
    void retrievalsApiCallsFunctionsAndTheRemainingSingleEventsMapToo() {
        String runId = UUID.randomUUID().toString();
        String retrieval = UUID.randomUUID().toString();
        String api = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-03-01T14:00:00Z");
        List<Event> events = List.of(
                at(runId, t, EventType.RETRIEVAL_START).eventId(retrieval)
                        .payload(new Payload.RetrievalStart("refund policy", "policies", null)).build(),
                at(runId, t.plusMillis(40), EventType.RETRIEVAL_END).parentEventId(retrieval)
                        .payload(new Payload.RetrievalEnd("refund policy", List.of(Map.of("content", "30 days",
                                "score", 0.9)), 40L)).build(),
                at(runId, t.plusMillis(50), EventType.API_REQUEST).eventId(api)
                        .payload(new Payload.ApiRequest("crm", "https://crm.example/api/orders/17", "GET", null, null,
                                null)).build(),
                at(runId, t.plusMillis(80), EventType.API_RESPONSE).parentEventId(api)
                        .payload(new Payload.ApiResponse("crm", "https://crm.example/api/orders/17", 503, null, null,
                                30L)).build(),
                at(runId, t.plusMillis(200), EventType.FUNCTION_EXECUTION)
                        .payload(new Payload.FunctionExecution("format_answer", Map.of("n", 1), "ok", 25L, true,
                                null)).build(),
                // A response whose request was never seen: a span of its own, measured backwards.
                at(runId, t.plusMillis(300), EventType.LLM_RESPONSE)
                        .payload(new Payload.LlmResponse("gpt-4o-mini", "azure", "hi", "stop", null, 60L, null))
                        .build(),
                at(runId, t.plusMillis(310), EventType.AGENT_REASONING)
                        .payload(new Payload.AgentReasoning("chain_of_thought", List.of("look up", "answer"), 0.8,
                                null)).build(),
                at(runId, t.plusMillis(311), EventType.AGENT_PLANNING)
                        .payload(new Payload.AgentPlanning("sequential", List.of(Map.of("step", 1)))).build(),
                at(runId, t.plusMillis(312), EventType.CUSTOM_EVENT)
                        .payload(new Payload.Custom("cache_hit", Map.of("key", "k"))).build(),
                at(runId, t.plusMillis(313), EventType.VALIDATION_ERROR)
                        .payload(new Payload.ValidationError("answer", List.of("no_pii"), List.of("no_pii"), null))
                        .build(),
                at(runId, t.plusMillis(314), EventType.TIMEOUT_ERROR)
                        .payload(new Payload.TimeoutError("tool", 5000L, null, null)).build(),
                at(runId, t.plusMillis(400), EventType.RUN_END)
                        .payload(new Payload.RunEnd(runId, 400L, null, "completed")).build());
        List<SpanData> out = export(OpenTelemetryExporter.builder().openTelemetry(sdk).build(), events);

        SpanData retrievalSpan = named(out, "retrieval policies");
        assertThat(retrievalSpan.getAttributes().get(GenAiMapping.OPERATION_NAME)).isEqualTo("retrieval");
        assertThat(retrievalSpan.getAttributes().get(GenAiMapping.DATA_SOURCE_ID)).isEqualTo("policies");
        assertThat(retrievalSpan.getAttributes().get(GenAiMapping.RETRIEVAL_QUERY_TEXT)).isNull(); // content
        assertThat(retrievalSpan.getEndEpochNanos() - retrievalSpan.getStartEpochNanos())
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        SpanData apiSpan = named(out, "GET");
        assertThat(apiSpan.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(apiSpan.getAttributes().get(GenAiMapping.URL_FULL)).isEqualTo("https://crm.example/api/orders/17");
        assertThat(apiSpan.getAttributes().get(GenAiMapping.HTTP_STATUS)).isEqualTo(503L);
        assertThat(apiSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData function = named(out, "execute_tool format_answer");
        assertThat(function.getAttributes().get(GenAiMapping.TOOL_TYPE)).isEqualTo("function");
        assertThat(function.getEndEpochNanos() - function.getStartEpochNanos())
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(25));
        SpanData lone = named(out, "chat gpt-4o-mini");
        assertThat(lone.getAttributes().get(GenAiMapping.PROVIDER_NAME)).isEqualTo("azure.ai.openai");
        assertThat(lone.getEndEpochNanos() - lone.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(60));
        SpanData root = named(out, "invoke_agent");
        assertThat(root.getEvents()).extracting(EventData::getName).containsExactly("insidellm.agent.reasoning",
                "insidellm.agent.planning", "insidellm.custom", "exception", "exception");
        assertThat(root.getEvents().get(0).getAttributes().get(GenAiMapping.REASONING_TYPE))
                .isEqualTo("chain_of_thought");
        assertThat(root.getEvents().get(0).getAttributes().get(GenAiMapping.CONTENT)).isNull(); // the steps: content
        assertThat(root.getEvents().get(2).getAttributes().get(GenAiMapping.CUSTOM_NAME)).isEqualTo("cache_hit");
        assertThat(root.getEvents().get(3).getAttributes().get(GenAiMapping.EXCEPTION_TYPE))
                .isEqualTo("validation_error");
        assertThat(root.getEvents().get(4).getAttributes().get(GenAiMapping.EXCEPTION_MESSAGE))
                .isEqualTo("timed out after 5000 ms");
        assertThat(out).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(root.getTraceId()));
    }

    private static Event.Builder at(String runId, Instant t, EventType type) {
        return Event.builder(type).runId(runId).userId("u").timestamp(t);
    }

    @Test
    void buildingWithoutADestinationFailsFast() {
        assertThatThrownBy(() -> OpenTelemetryExporter.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("otlpEndpoint");
        assertThatThrownBy(() -> OpenTelemetryExporter.builder().otlpEndpoint("localhost:4318"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localhost:4318");
    }
}
