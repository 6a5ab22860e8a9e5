package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.langchain4j.InsideLlmChatModelListener;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@link InsideLlmChatModelListener} adds to one LangChain4j chat call: the same scripted model (it answers
 * from memory, so the model itself costs next to nothing) called with no listener, with the InsideLLM listener
 * (conversations threaded automatically), and with the listener inside an explicit InsideLLM run. Each call records
 * an {@code llm.request} with the messages and an {@code llm.response} with a ~1 KB answer. Bursts of
 * {@value #BURST} calls, drained outside the measurement, as in {@link CallerCostBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(LangChain4jListenerBenchmark.BURST)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LangChain4jListenerBenchmark {

    static final int BURST = 200;

    private static final ChatRequest REQUEST = ChatRequest.builder()
            .messages(SystemMessage.from("You are a helpful analyst. Answer briefly."),
                    UserMessage.from("Summarise the quarterly report in one paragraph."))
            .build();
    private static final ChatResponse RESPONSE = ChatResponse.builder()
            .aiMessage(AiMessage.from(BenchEvents.RESPONSE_TEXT))
            .modelName(BenchEvents.MODEL)
            .tokenUsage(new TokenUsage(BenchEvents.PROMPT_TOKENS, BenchEvents.COMPLETION_TOKENS))
            .finishReason(FinishReason.STOP)
            .id("chatcmpl-123")
            .build();

    /** A chat model that answers every request with the same response, calling its listeners as real models do. */
    static final class ScriptedChatModel implements ChatModel {
        private final List<ChatModelListener> listeners;

        ScriptedChatModel(List<ChatModelListener> listeners) {
            this.listeners = listeners;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            return RESPONSE;
        }

        @Override
        public List<ChatModelListener> listeners() {
            return listeners;
        }
    }

    /** The model without any listener: the baseline. */
    @State(Scope.Benchmark)
    public static class Plain {
        final ChatModel model = new ScriptedChatModel(List.of());
    }

    /** The model with the InsideLLM listener, recording to a client whose exporter discards. */
    @State(Scope.Benchmark)
    public static class Recorded {
        InsideLlmClient client;
        ChatModel model;
        CallerCostBenchmark.DiscardingExporter exporter;

        @Setup(Level.Trial)
        public void start() {
            exporter = new CallerCostBenchmark.DiscardingExporter();
            client = InsideLlmClient.builder()
                    .addExporter(exporter)
                    .maxQueueSize(CallerCostBenchmark.QUEUE_CAPACITY)
                    .batchSize(500)
                    .maxBatchBytes(4L * 1024 * 1024)
                    .shutdownHook(false)
                    .build();
            model = new ScriptedChatModel(List.of(InsideLlmChatModelListener.create(client)));
        }

        @TearDown(Level.Invocation)
        public void drain() {
            if (!client.flush(Duration.ofSeconds(30))) {
                throw new IllegalStateException("InsideLLM did not drain: " + client.stats());
            }
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            ClientStats stats = client.stats();
            client.close();
            System.out.printf("#events benchmark=%s queued=%d sent=%d dropped=%d%n",
                    params.getBenchmark().replaceAll(".*\\.", ""), stats.eventsQueued(), stats.eventsSent(),
                    stats.eventsDropped());
            if (stats.eventsSent() == 0 || stats.eventsDropped() > 0) {
                throw new IllegalStateException("the listener did not record every call: " + stats);
            }
        }
    }

    @Benchmark
    public void chatWithoutListener(Plain plain, Blackhole blackhole) {
        for (int i = 0; i < BURST; i++) {
            blackhole.consume(plain.model.chat(REQUEST));
        }
    }

    @Benchmark
    public void chatWithInsideLlmListener(Recorded recorded, Blackhole blackhole) {
        for (int i = 0; i < BURST; i++) {
            blackhole.consume(recorded.model.chat(REQUEST));
        }
    }

    @Benchmark
    public void chatWithInsideLlmListenerInRun(Recorded recorded, Blackhole blackhole) {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID)
                .makeCurrent()) {
            for (int i = 0; i < BURST; i++) {
                blackhole.consume(recorded.model.chat(REQUEST));
            }
        }
    }
}
