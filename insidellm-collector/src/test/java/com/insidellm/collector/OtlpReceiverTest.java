package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.internal.HttpExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/HTTP receiver fed by the real OpenTelemetry Java SDK and its OTLP exporter, with the attribute sets that
 * the OpenTelemetry openai-java instrumentation and Spring AI's observations put on their spans.
 */
class OtlpReceiverTest {

    private static final String KEY = "otlp-test-key-123";
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    /** How long an export may take: generous, because the first one of a test can be slow on a loaded machine. */
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private InsideLlmCollector collector;
    private Api api;
    private final List<SdkTracerProvider> providers = new ArrayList<>();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("c.db")).apiKey(KEY).build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        providers.forEach(SdkTracerProvider::close);
        collector.close();
    }

    /**
     * An SDK batching spans to the collector, as applications configure it; {@link #flush()} sends a batch. The
     * exporter's deadline is raised from the SDK's 10 s to {@link #EXPORT_TIMEOUT}: the first export of a test pays for
     * a cold JVM on both sides (HTTP client, OTLP encoding and decoding, the store's first commit), which took over
     * 10 s on a loaded machine, and an export abandoned there is lost.
     */
    private Tracer tracer(String service, boolean json, String scope) {
        OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
                .setEndpoint(collector.baseUrl() + "/v1/traces").setCompression("gzip")
                .setTimeout(EXPORT_TIMEOUT).addHeader("Authorization", "Bearer " + KEY);
        if (json) {
            exportAsJson(builder);
        }
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service))))
                .addSpanProcessor(BatchSpanProcessor.builder(counting(builder.build()))
                        .setExporterTimeout(EXPORT_TIMEOUT).build())
                .addSpanProcessor(new SpanProcessor() {
                    @Override
                    public void onStart(Context parentContext, ReadWriteSpan span) {}

                    @Override
                    public boolean isStartRequired() {
                        return false;
                    }

                    @Override
                    public void onEnd(ReadableSpan span) {
                        ended.incrementAndGet();
                    }

                    @Override
                    public boolean isEndRequired() {
                        return true;
                    }
                }).build();
        providers.add(provider);
        return provider.get(scope);
    }

    /**
     * Switches the SDK's OTLP/HTTP exporter to the OTLP/JSON encoding. The SDK's autoconfiguration does this for
     * {@code OTEL_EXPORTER_OTLP_PROTOCOL=http/json} through the same internal builder; the public builder does not
     * expose it yet.
     */
    static void exportAsJson(OtlpHttpSpanExporterBuilder builder) {
        try {
            Field delegate = OtlpHttpSpanExporterBuilder.class.getDeclaredField("delegate");
            delegate.setAccessible(true);
            ((HttpExporterBuilder) delegate.get(builder)).exportAsJson();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The exporter, counting the spans whose export the collector answered with success (after commit). */
    private SpanExporter counting(SpanExporter otlp) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                CompletableResultCode result = otlp.export(spans);
                result.whenComplete(() -> {
                    if (result.isSuccess()) {
                        exported.addAndGet(spans.size());
                    }
                });
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return otlp.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return otlp.shutdown();
            }
        };
    }

    /**
     * Sends what the SDKs hold and waits until the collector has answered for every span ended so far. Waiting on
     * {@code forceFlush()}'s result is not enough: the SDK's batch processor completes a flush's result before it
     * clears the pending request, so a {@code forceFlush()} called right after the previous one returned can find
     * the old, completed result and return it without exporting anything (seen under load, when the worker thread
     * is descheduled between the two steps); the spans then leave only at the next scheduled export, seconds later.
     */
    private void flush() {
        providers.forEach(SdkTracerProvider::forceFlush);
        await().atMost(EXPORT_TIMEOUT.plusSeconds(10)).untilAsserted(() -> assertThat(exported.get())
                .as("spans the collector accepted, of those ended").isEqualTo(ended.get()));
    }

    private static long nanos(long millisAfterT0) {
        return TimeUnit.MILLISECONDS.toNanos(T0.toEpochMilli() + millisAfterT0);
    }

    private static String runId(Span span) {
        String t = span.getSpanContext().getTraceId();
        return t.substring(0, 8) + "-" + t.substring(8, 12) + "-" + t.substring(12, 16) + "-" + t.substring(16, 20)
                + "-" + t.substring(20);
    }

    private static List<String> types(JsonNode run) {
        List<String> out = new ArrayList<>();
        run.get("events").forEach(e -> out.add(e.at("/event/event_type").asText()));
        return out;
    }

    private static JsonNode event(JsonNode run, String type) {
        for (JsonNode e : run.get("events")) {
            if (e.at("/event/event_type").asText().equals(type)) {
                return e.get("event");
            }
        }
        throw new AssertionError("no " + type + " in " + types(run));
    }

    private JsonNode runSummary(String runId) {
        for (JsonNode r : api.getJson("/api/v1/runs?limit=100").get("runs")) {
            if (r.get("run_id").asText().equals(runId)) {
                return r;
            }
        }
        throw new AssertionError("no run " + runId);
    }

    @Test
    void openAiJavaInstrumentationSpansOverProtobufBecomeARunWithItsCallTokensAndCost() {
        Tracer tracer = tracer("ask-service", false, "io.opentelemetry.openai-java-1.1");
        Span http = tracer.spanBuilder("POST /ask").setSpanKind(SpanKind.SERVER).setNoParent()
                .setAttribute("http.request.method", "POST").setStartTimestamp(nanos(0), TimeUnit.NANOSECONDS)
                .startSpan();
        // The attributes the openai-java instrumentation's tests expect on a chat completion span.
        Span chat = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(http)).setStartTimestamp(nanos(10), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.request.model", "gpt-4o-mini").startSpan();
        chat.setAttribute("gen_ai.response.id", "chatcmpl-A1");
        chat.setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
        chat.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"));
        chat.setAttribute("gen_ai.usage.input_tokens", 22L);
        chat.setAttribute("gen_ai.usage.output_tokens", 2L);
        chat.end(nanos(510), TimeUnit.NANOSECONDS);
        // Not GenAI and not a parent of GenAI: dropped.
        tracer.spanBuilder("SELECT orders").setParent(Context.root().with(http))
                .setStartTimestamp(nanos(520), TimeUnit.NANOSECONDS).startSpan().end(nanos(530), TimeUnit.NANOSECONDS);
        http.end(nanos(600), TimeUnit.NANOSECONDS);
        flush();

        String runId = runId(http);
        JsonNode run = api.getJson("/api/v1/runs/" + runId);
        assertThat(types(run)).containsExactly("run.start", "llm.request", "llm.response", "run.end");
        JsonNode request = event(run, "llm.request");
        JsonNode response = event(run, "llm.response");
        assertThat(request.get("parent_event_id").asText()).isEqualTo(event(run, "run.start").get("event_id").asText());
        assertThat(response.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(request.get("user_id").asText()).isEqualTo("ask-service");
        assertThat(request.get("timestamp").asText()).isEqualTo("2026-03-01T09:00:00.010000Z");
        assertThat(response.get("timestamp").asText()).isEqualTo("2026-03-01T09:00:00.510000Z");
        assertThat(request.at("/payload/model_name").asText()).isEqualTo("gpt-4o-mini");
        assertThat(request.at("/payload/provider").asText()).isEqualTo("openai");
        assertThat(response.at("/payload/finish_reason").asText()).isEqualTo("stop");
        assertThat(response.at("/payload/response_time_ms").asLong()).isEqualTo(500);
        assertThat(response.at("/payload/response_id").asText()).isEqualTo("chatcmpl-A1");
        assertThat(response.at("/payload/usage/prompt_tokens").asInt()).isEqualTo(22);
        assertThat(response.at("/payload/usage/completion_tokens").asInt()).isEqualTo(2);
        double cost = (22 * 0.15 + 2 * 0.60) / 1_000_000;
        assertThat(response.at("/payload/cost").asDouble()).isCloseTo(cost, within(1e-12));

        JsonNode summary = runSummary(runId);
        assertThat(summary.get("llm_calls").asInt()).isEqualTo(1);
        assertThat(summary.get("tokens").asInt()).isEqualTo(24);
        assertThat(summary.get("cost").asDouble()).isCloseTo(cost, within(1e-12));
        assertThat(summary.get("errors").asInt()).isZero();
    }

    @Test
    void springAiObservationSpansOverJsonBecomeAChainWithItsModelAndToolCalls() {
        Tracer tracer = tracer("support-app", true, "org.springframework.boot");
        Span http = tracer.spanBuilder("http post /chat").setSpanKind(SpanKind.SERVER).setNoParent()
                .setStartTimestamp(nanos(0), TimeUnit.NANOSECONDS).startSpan();
        // Spring AI's ChatClient, ChatModel and tool-calling observations (AiObservationAttributes and the
        // ToolCallingObservationDocumentation keys), with prompt and completion logging on.
        Span client = tracer.spanBuilder("spring_ai chat_client").setParent(Context.root().with(http))
                .setStartTimestamp(nanos(5), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.operation.name", "framework").setAttribute("gen_ai.system", "spring_ai")
                .setAttribute("spring.ai.kind", "chat_client").setAttribute("spring.ai.chat.client.stream", false)
                .startSpan();
        Span chat = tracer.spanBuilder("chat gpt-4o").setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(client)).setStartTimestamp(nanos(10), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.system", "openai")
                .setAttribute("gen_ai.request.model", "gpt-4o").setAttribute("gen_ai.request.temperature", 0.7)
                .startSpan();
        chat.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("TOOL_CALLS"));
        chat.setAttribute("gen_ai.response.id", "chatcmpl-S1");
        chat.setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06");
        chat.setAttribute("gen_ai.usage.input_tokens", 120L);
        chat.setAttribute("gen_ai.usage.output_tokens", 30L);
        chat.setAttribute("gen_ai.usage.total_tokens", 150L);
        chat.setAttribute("gen_ai.prompt", "What is the weather in Paris?");
        chat.end(nanos(700), TimeUnit.NANOSECONDS);
        Span tool = tracer.spanBuilder("tool_call get_weather").setParent(Context.root().with(client))
                .setStartTimestamp(nanos(710), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.operation.name", "framework").setAttribute("gen_ai.system", "spring_ai")
                .setAttribute("spring.ai.kind", "tool_call")
                .setAttribute("spring.ai.tool.definition.name", "get_weather")
                .setAttribute("spring.ai.tool.call.arguments", "{\"city\":\"Paris\"}")
                .startSpan();
        tool.setStatus(StatusCode.ERROR, "weather service down");
        tool.end(nanos(760), TimeUnit.NANOSECONDS);
        client.end(nanos(800), TimeUnit.NANOSECONDS);
        http.end(nanos(810), TimeUnit.NANOSECONDS);
        flush();

        String runId = runId(http);
        JsonNode run = api.getJson("/api/v1/runs/" + runId);
        assertThat(types(run)).containsExactly("run.start", "chain.start", "llm.request", "llm.response",
                "tool.call", "tool.response", "chain.end", "run.end");
        JsonNode chain = event(run, "chain.start");
        assertThat(chain.at("/payload/chain_name").asText()).isEqualTo("spring_ai chat_client");
        assertThat(chain.at("/payload/chain_type").asText()).isEqualTo("framework");
        JsonNode request = event(run, "llm.request");
        assertThat(request.get("parent_event_id").asText()).isEqualTo(chain.get("event_id").asText());
        assertThat(request.at("/payload/provider").asText()).isEqualTo("openai");
        assertThat(request.at("/payload/prompt").asText()).isEqualTo("What is the weather in Paris?");
        assertThat(request.at("/payload/parameters/temperature").asDouble()).isEqualTo(0.7);
        JsonNode call = event(run, "tool.call");
        assertThat(call.get("parent_event_id").asText()).isEqualTo(chain.get("event_id").asText());
        assertThat(call.at("/payload/tool_name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/payload/parameters/city").asText()).isEqualTo("Paris");
        JsonNode toolResponse = event(run, "tool.response");
        assertThat(toolResponse.at("/payload/success").asBoolean()).isFalse();
        assertThat(toolResponse.at("/payload/error_message").asText()).isEqualTo("weather service down");

        JsonNode summary = runSummary(runId);
        assertThat(summary.get("llm_calls").asInt()).isEqualTo(1);
        assertThat(summary.get("tokens").asInt()).isEqualTo(150);
        assertThat(summary.get("cost").asDouble()).isCloseTo((120 * 2.50 + 30 * 10.00) / 1_000_000, within(1e-12));
        assertThat(summary.get("errors").asInt()).isEqualTo(1);
    }

    @Test
    void deprecatedGenAiNamesAndOpenInferenceNamesAreReadToo() {
        Tracer tracer = tracer("py-agent", true, "openinference.instrumentation.openai");
        Span agent = tracer.spanBuilder("Agent").setNoParent().setStartTimestamp(nanos(0), TimeUnit.NANOSECONDS)
                .setAttribute("openinference.span.kind", "AGENT").setAttribute("session.id", "s1")
                .setAttribute("user.id", "alice").startSpan();
        // OpenLLMetry before the rename: gen_ai.system, prompt/completion token names, gen_ai.prompt/completion.
        Span old = tracer.spanBuilder("openai.chat").setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(agent)).setStartTimestamp(nanos(10), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.system", "openai").setAttribute("gen_ai.request.model", "gpt-4o-mini")
                .setAttribute("gen_ai.usage.prompt_tokens", 100L).setAttribute("gen_ai.usage.completion_tokens", 10L)
                .setAttribute("gen_ai.prompt", "hello").setAttribute("gen_ai.completion", "hi there").startSpan();
        old.end(nanos(200), TimeUnit.NANOSECONDS);
        // OpenInference: span kind LLM and llm.* names, with its own cost.
        Span oi = tracer.spanBuilder("ChatCompletion").setParent(Context.root().with(agent))
                .setStartTimestamp(nanos(210), TimeUnit.NANOSECONDS).setAttribute("openinference.span.kind", "LLM")
                .setAttribute("llm.model_name", "claude-sonnet-4").setAttribute("llm.provider", "anthropic")
                .setAttribute("llm.token_count.prompt", 300L).setAttribute("llm.token_count.completion", 50L)
                .setAttribute("llm.token_count.prompt_details.cache_read", 200L)
                .setAttribute("llm.cost.total", 0.0042)
                .setAttribute("llm.input_messages.0.message.role", "user")
                .setAttribute("llm.input_messages.0.message.content", "summarise")
                .setAttribute("output.value", "a summary").startSpan();
        oi.end(nanos(900), TimeUnit.NANOSECONDS);
        agent.end(nanos(950), TimeUnit.NANOSECONDS);
        flush();

        JsonNode run = api.getJson("/api/v1/runs/" + runId(agent));
        assertThat(types(run)).containsExactly("run.start", "llm.request", "llm.response", "llm.request",
                "llm.response", "run.end");
        List<JsonNode> responses = new ArrayList<>();
        List<JsonNode> requests = new ArrayList<>();
        run.get("events").forEach(e -> {
            if (e.at("/event/event_type").asText().equals("llm.response")) {
                responses.add(e.get("event"));
            } else if (e.at("/event/event_type").asText().equals("llm.request")) {
                requests.add(e.get("event"));
            }
        });
        assertThat(requests.get(0).get("user_id").asText()).isEqualTo("alice");
        assertThat(requests.get(0).at("/payload/provider").asText()).isEqualTo("openai");
        assertThat(requests.get(0).at("/payload/prompt").asText()).isEqualTo("hello");
        assertThat(responses.get(0).at("/payload/response_text").asText()).isEqualTo("hi there");
        assertThat(responses.get(0).at("/payload/usage/prompt_tokens").asInt()).isEqualTo(100);
        assertThat(responses.get(0).at("/payload/usage/completion_tokens").asInt()).isEqualTo(10);
        assertThat(requests.get(1).at("/payload/model_name").asText()).isEqualTo("claude-sonnet-4");
        assertThat(requests.get(1).at("/payload/provider").asText()).isEqualTo("anthropic");
        assertThat(requests.get(1).at("/payload/prompt").asText()).isEqualTo("summarise");
        assertThat(responses.get(1).at("/payload/response_text").asText()).isEqualTo("a summary");
        assertThat(responses.get(1).at("/payload/usage/cached_tokens").asInt()).isEqualTo(200);
        assertThat(responses.get(1).at("/payload/cost").asDouble()).isEqualTo(0.0042);
        assertThat(runSummary(runId(agent)).get("tokens").asInt()).isEqualTo(460);
    }

    @Test
    void aParentArrivingAfterItsGenAiChildIsKeptAndOtherSpansAreDropped() {
        Tracer tracer = tracer("svc", false, "test");
        Span root = tracer.spanBuilder("job").setNoParent().setStartTimestamp(nanos(0), TimeUnit.NANOSECONDS)
                .startSpan();
        Span step = tracer.spanBuilder("step").setParent(Context.root().with(root))
                .setStartTimestamp(nanos(1), TimeUnit.NANOSECONDS).startSpan();
        tracer.spanBuilder("chat gpt-4o").setParent(Context.root().with(step))
                .setStartTimestamp(nanos(2), TimeUnit.NANOSECONDS).setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", "gpt-4o")
                .startSpan().end(nanos(3), TimeUnit.NANOSECONDS);
        flush(); // the model call is stored before its parents are even ended
        tracer.spanBuilder("cache lookup").setParent(Context.root().with(step))
                .setStartTimestamp(nanos(4), TimeUnit.NANOSECONDS).startSpan().end(nanos(5), TimeUnit.NANOSECONDS);
        step.end(nanos(6), TimeUnit.NANOSECONDS);
        root.end(nanos(7), TimeUnit.NANOSECONDS);
        flush();

        JsonNode run = api.getJson("/api/v1/runs/" + runId(root));
        assertThat(types(run)).containsExactly("run.start", "chain.start", "llm.request", "llm.response", "chain.end",
                "run.end");
        assertThat(event(run, "chain.start").at("/payload/chain_name").asText()).isEqualTo("step");
        assertThat(event(run, "llm.request").get("parent_event_id").asText())
                .isEqualTo(event(run, "chain.start").get("event_id").asText());
        // A trace with no GenAI span at all is not a run.
        Span plain = tracer.spanBuilder("GET /health").setNoParent().startSpan();
        plain.end();
        flush();
        assertThat(api.get("/api/v1/runs/" + runId(plain)).status()).isEqualTo(404);
    }

    /** One span as OTLP/JSON, with the GenAI attributes given as key/value pairs. */
    private static String jsonSpan(String traceId, String spanId, String parentId, String name, long startMs,
            long endMs, String... attributes) {
        StringBuilder attrs = new StringBuilder();
        for (int i = 0; i < attributes.length; i += 2) {
            attrs.append(attrs.length() == 0 ? "" : ",").append("{\"key\":\"").append(attributes[i])
                    .append("\",\"value\":{\"stringValue\":\"").append(attributes[i + 1]).append("\"}}");
        }
        return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\""
                + spanId + "\",\"parentSpanId\":\"" + parentId + "\",\"name\":\"" + name
                + "\",\"startTimeUnixNano\":\"" + nanos(startMs) + "\",\"endTimeUnixNano\":\"" + nanos(endMs)
                + "\",\"attributes\":[" + attrs + "]}]}]}]}";
    }

    @Test
    void aParentSentBeforeItsGenAiChildIsKeptWhenTheChildArrives() {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        // Concurrent exports can deliver the parent first: it is not GenAI, so it is set aside, not stored...
        assertThat(api.post("/v1/traces", jsonSpan(trace, "b7ad6b7169203331", "", "handle ticket", 0, 900)
                .getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/runs/0af76519-16cd-43dd-8448-eb211c80319c").status()).isEqualTo(404);
        // ...until its GenAI child names it.
        assertThat(api.post("/v1/traces", jsonSpan(trace, "00f067aa0ba902b7", "b7ad6b7169203331", "chat gpt-4o", 10,
                500, "gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-4o")
                .getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
        JsonNode run = api.getJson("/api/v1/runs/0af76519-16cd-43dd-8448-eb211c80319c");
        assertThat(types(run)).containsExactly("run.start", "llm.request", "llm.response", "run.end");
        assertThat(event(run, "run.start").at("/payload/session_type").asText()).isEqualTo("handle ticket");
    }

    @Test
    void aRequestSentTwiceIsStoredOnce() {
        String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"svc\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B174\",\"name\":\"chat gpt-4o\","
                + "\"kind\":3,\"startTimeUnixNano\":\"1772355600000000000\",\"endTimeUnixNano\":1772355600250000000,"
                + "\"attributes\":[{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
                + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},"
                + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"7\"}}],"
                + "\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"rate limited\"}}]}]}]}";
        Api.Response first = api.post("/v1/traces", body.getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + KEY);
        Api.Response second = api.post("/v1/traces", body.getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + KEY);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().isEmpty()).isTrue();
        assertThat(second.status()).isEqualTo(200);
        JsonNode run = api.getJson("/api/v1/runs/5b8efff7-9803-8103-d269-b633813fc60c");
        // A root model call is the run and the call; its failure status becomes an error event.
        assertThat(types(run)).containsExactly("run.start", "llm.request", "error", "llm.response", "run.end");
        assertThat(event(run, "error").at("/payload/error_message").asText()).isEqualTo("rate limited");
        assertThat(event(run, "run.end").at("/payload/exit_reason").asText()).isEqualTo("error");
    }

    /** Posts with exactly one Content-Type and the key; returns the status. */
    private int post(String contentType, byte[] body) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    collector.baseUrl().resolve("/v1/traces")).header("Content-Type", contentType)
                    .header("Authorization", "Bearer " + KEY).POST(java.net.http.HttpRequest.BodyPublishers
                            .ofByteArray(body)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReceiverAnswersLikeIngestToBadRequests() {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(api.post("/v1/traces", empty).status()).isEqualTo(401);
        assertThat(api.post("/v1/traces", empty, "Authorization", "Bearer wrong-key-000").status()).isEqualTo(401);
        assertThat(post("text/plain", empty)).isEqualTo(415);
        assertThat(post("application/x-protobuf", new byte[] {0x0a, 0x7f, 0x01})).isEqualTo(400);
        assertThat(post("application/x-protobuf", new byte[0])).isEqualTo(200);
        assertThat(api.post("/v1/traces", "[1]".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + KEY)
                .status()).isEqualTo(400);
        assertThat(api.get("/v1/traces", "Authorization", "Bearer " + KEY).status()).isEqualTo(405);
        // An empty export request is valid and stores nothing.
        assertThat(api.post("/v1/traces", empty, "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
    }

    @Test
    void deeplyNestedAttributeValuesAreRejectedWithA400() {
        // A 2 MB export request whose one attribute is an array in an array ... 150,000 levels deep: recursing into it
        // overflowed the handler thread's stack (a StackOverflowError, no answer) instead of a clear 400.
        assertThat(post("application/x-protobuf", nestedArrays(150_000))).isEqualTo(400);
        // The server still answers afterwards.
        assertThat(post("application/x-protobuf", new byte[0])).isEqualTo(200);
    }

    /** An export request with one span whose attribute {@code k} is {@code depth} nested array values. */
    private static byte[] nestedArrays(int depth) {
        // Sizes inside out: an AnyValue holding an ArrayValue holding the next AnyValue.
        long[] any = new long[depth + 1];
        for (int i = 1; i <= depth; i++) {
            long array = 1 + varintSize(any[i - 1]) + any[i - 1];
            any[i] = 1 + varintSize(array) + array;
        }
        java.io.ByteArrayOutputStream kv = new java.io.ByteArrayOutputStream();
        kv.write(0x0a);
        kv.write(1);
        kv.write('k');
        kv.write(0x12);
        writeVarint(kv, any[depth]);
        for (int i = depth; i >= 1; i--) {
            kv.write(0x2a); // AnyValue.array_value = 5
            writeVarint(kv, 1 + varintSize(any[i - 1]) + any[i - 1]);
            kv.write(0x0a); // ArrayValue.values = 1
            writeVarint(kv, any[i - 1]);
        }
        java.io.ByteArrayOutputStream span = new java.io.ByteArrayOutputStream();
        span.write(0x0a);
        span.write(16);
        span.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        span.write(0x12);
        span.write(8);
        span.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        span.write(0x4a); // Span.attributes = 9
        writeVarint(span, kv.size());
        span.writeBytes(kv.toByteArray());
        return wrap(0x0a, wrap(0x12, wrap(0x12, span.toByteArray()))); // request > resource spans > scope spans > span
    }

    private static byte[] wrap(int tag, byte[] inner) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(tag);
        writeVarint(out, inner.length);
        out.writeBytes(inner);
        return out.toByteArray();
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static void writeVarint(java.io.ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
