package com.insidellm.benchmarks;

import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.EventType;
import com.insidellm.ExportResult;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import com.insidellm.opentelemetry.Dialect;
import com.insidellm.opentelemetry.OpenTelemetryExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What {@link OpenTelemetryExporter} costs per event on the thread that runs exporters (the client's sender thread,
 * here the benchmark thread): one agent run of {@value #EVENTS} events (a user input, a chain, two model calls, a tool
 * call, an answer) turned into its six spans and three span events, on the current OpenTelemetry SDK with the
 * {@code BatchSpanProcessor} an application uses and an exporter that discards (the SDK's no-op composite). The SDK's own batch thread (turning
 * spans into {@code SpanData} and exporting) is not counted: it is the application's SDK's cost, whoever creates the
 * spans. The caller's cost ({@code logEvent}) does not change with the exporter, which never runs on the caller's
 * thread; {@link CallerCostBenchmark} measures it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class OpenTelemetryExporterBenchmark {

    static final int EVENTS = 12;

    /** The GenAI names only, or with Langfuse's added. */
    @Param({"GEN_AI", "LANGFUSE"})
    public String dialect;

    /** Whether prompts and responses are written to the spans (JSON serialisation of the messages). */
    @Param({"false", "true"})
    public boolean content;

    private OpenTelemetrySdk sdk;
    private OpenTelemetryExporter exporter;
    private EventBatch batch;
    private final CpuMeter cpu = new CpuMeter();
    private long runs;
    private long exportedRuns;

    @Setup(Level.Trial)
    public void setUp() {
        sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(SpanExporter.composite()).build()).build()).build();
        exporter = OpenTelemetryExporter.builder().openTelemetry(sdk).dialect(Dialect.valueOf(dialect))
                .captureContent(content).build();
        batch = capture(run());
        if (batch.size() != EVENTS) {
            throw new IllegalStateException("expected one batch of " + EVENTS + " events, got " + batch.size());
        }
    }

    @Setup(Level.Iteration)
    public void startCpu() {
        cpu.start(Thread.currentThread());
        runs = 0;
    }

    /** CPU time is the figure to trust on a shared machine: wall-clock time includes waiting for a core. */
    @TearDown(Level.Iteration)
    public void stopCpu(BenchmarkParams params) {
        cpu.add(cpu.stop());
        exportedRuns += runs;
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        exporter.close();
        sdk.close();
        Reports.cpu(params, "exporter", exportedRuns == 0 ? 0 : (double) cpu.total() / (exportedRuns * EVENTS));
    }

    /** One run replayed: the same ids each time, so the exporter's maps stay the same size. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public ExportResult exportOneRun() {
        runs++;
        return exporter.export(batch);
    }

    /** The batch the client hands its exporters for these events (processed and serialised, as in production). */
    private static EventBatch capture(List<Event> events) {
        List<EventBatch> batches = new ArrayList<>();
        EventExporter capturing = b -> {
            batches.add(b);
            return ExportResult.success();
        };
        try (InsideLlmClient client = InsideLlmClient.builder().addExporter(capturing).batchSize(100)
                .shutdownHook(false).build()) {
            events.forEach(client::logEvent);
            client.flush(Duration.ofSeconds(10));
        }
        return batches.get(0);
    }

    private static List<Event> run() {
        String run = UUID.randomUUID().toString();
        String chain = UUID.randomUUID().toString();
        String req1 = UUID.randomUUID().toString();
        String call = UUID.randomUUID().toString();
        String req2 = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        String question = "Where is my order 17? It was due yesterday and the tracking page shows nothing.";
        String answer = "Order 17 shipped yesterday evening; it should arrive tomorrow before noon.";
        List<Event> e = new ArrayList<>();
        e.add(at(run, t, EventType.RUN_START).payload(new Payload.RunStart(run, "support", null)).build());
        e.add(at(run, t.plusMillis(1), EventType.USER_INPUT).payload(new Payload.UserInput(question)).build());
        e.add(at(run, t.plusMillis(2), EventType.CHAIN_START).eventId(chain)
                .payload(new Payload.ChainStart("SupportAssistant", Map.of("question", question), "agent")).build());
        e.add(at(run, t.plusMillis(3), EventType.LLM_REQUEST).eventId(req1).parentEventId(chain)
                .payload(new Payload.LlmRequest(BenchEvents.MODEL, BenchEvents.PROVIDER, question,
                        Map.of("temperature", 0.2, "max_tokens", 512), "You are a support agent.",
                        List.of(Map.of("role", "user", "content", question)))).build());
        e.add(at(run, t.plusMillis(800), EventType.LLM_RESPONSE).parentEventId(req1)
                .payload(new Payload.LlmResponse(BenchEvents.MODEL, BenchEvents.PROVIDER, "", "tool_calls",
                        TokenUsage.of(BenchEvents.PROMPT_TOKENS, 24), 797L, null)).build());
        e.add(at(run, t.plusMillis(801), EventType.TOOL_CALL).eventId(call).parentEventId(chain)
                .payload(new Payload.ToolCall("order_status", "function", Map.of("order", 17), "call_1")).build());
        e.add(at(run, t.plusMillis(900), EventType.TOOL_RESPONSE).parentEventId(call)
                .payload(new Payload.ToolResponse("order_status", "function", "call_1",
                        Map.of("status", "shipped", "eta", "tomorrow"), 99L, true, null)).build());
        e.add(at(run, t.plusMillis(901), EventType.LLM_REQUEST).eventId(req2).parentEventId(chain)
                .payload(new Payload.LlmRequest(BenchEvents.MODEL, BenchEvents.PROVIDER, question)).build());
        e.add(at(run, t.plusMillis(1700), EventType.LLM_RESPONSE).parentEventId(req2)
                .payload(new Payload.LlmResponse(BenchEvents.MODEL, BenchEvents.PROVIDER, answer, "stop",
                        TokenUsage.of(BenchEvents.PROMPT_TOKENS + 60, BenchEvents.COMPLETION_TOKENS), 799L, null))
                .build());
        e.add(at(run, t.plusMillis(1701), EventType.CHAIN_END).parentEventId(chain)
                .payload(new Payload.ChainEnd("SupportAssistant", Map.of("answer", answer), 1699L, true, null))
                .build());
        e.add(at(run, t.plusMillis(1702), EventType.AGENT_RESPONSE).payload(new Payload.AgentResponse(answer)).build());
        e.add(at(run, t.plusMillis(1703), EventType.RUN_END).payload(new Payload.RunEnd(run, 1703L, null, "completed"))
                .build());
        return e;
    }

    private static Event.Builder at(String run, Instant t, EventType type) {
        return Event.builder(type).runId(run).userId(BenchEvents.USER_ID).timestamp(t);
    }
}
