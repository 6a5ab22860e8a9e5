package com.insidellm.benchmarks;

import com.google.genai.Client;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.ModelCallRecorder;
import com.insidellm.anthropic.InsideLlmAnthropic;
import com.insidellm.googlegenai.InsideLlmGenAI;
import com.insidellm.openai.InsideLlmOpenAI;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The SDK wrappers' overhead per call as the caller's CPU time, unwrapped and wrapped calls alternated in bursts on one
 * thread of one JVM: on a machine shared with other work the load changes from second to second, and alternating
 * exposes both variants to the same load, which separate JMH forks do not. The same clients and in-memory transports
 * as {@link OpenAiWrapperBenchmark}, {@link AnthropicWrapperBenchmark} and {@link GenAiWrapperBenchmark}; prints the
 * median, 25th and 75th percentile CPU time per call over the measured rounds, inside an InsideLLM run and threaded
 * automatically.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar com.insidellm.benchmarks.WrapperOverhead [rounds, default 40]
 * }</pre>
 */
public final class WrapperOverhead {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int BURST = 200;
    private static final int WARM_UP_ROUNDS = 30;
    private static volatile Object sink;

    private WrapperOverhead() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        InsideLlmClient insideLlm = InsideLlmClient.builder().addExporter(new CallerCostBenchmark.DiscardingExporter())
                .maxQueueSize(CallerCostBenchmark.QUEUE_CAPACITY).batchSize(500).shutdownHook(false).build();
        var openAiRaw = OpenAiWrapperBenchmark.client();
        var openAi = InsideLlmOpenAI.wrap(OpenAiWrapperBenchmark.client(), insideLlm);
        var anthropicRaw = AnthropicWrapperBenchmark.client();
        var anthropic = InsideLlmAnthropic.wrap(AnthropicWrapperBenchmark.client(), insideLlm);
        Client geminiRaw = GenAiWrapperBenchmark.client(new OkHttpClient.Builder()
                .addInterceptor(GenAiWrapperBenchmark.MEMORY).build());
        Client gemini = GenAiWrapperBenchmark.client(new OkHttpClient.Builder()
                .addInterceptor(InsideLlmGenAI.interceptor(ModelCallRecorder.create(insideLlm)))
                .addInterceptor(GenAiWrapperBenchmark.MEMORY).build());
        String[] names = {"OpenAI unwrapped", "OpenAI wrapped", "Anthropic unwrapped", "Anthropic wrapped",
            "Google Gen AI unwrapped", "Google Gen AI wrapped"};
        Supplier<?>[] calls = {
            () -> openAiRaw.chat().completions().create(OpenAiWrapperBenchmark.PARAMS),
            () -> openAi.chat().completions().create(OpenAiWrapperBenchmark.PARAMS),
            () -> anthropicRaw.messages().create(AnthropicWrapperBenchmark.PARAMS),
            () -> anthropic.messages().create(AnthropicWrapperBenchmark.PARAMS),
            () -> geminiRaw.models.generateContent("gemini-2.5-flash", WrapperRecording.QUESTION,
                    GenAiWrapperBenchmark.CONFIG),
            () -> gemini.models.generateContent("gemini-2.5-flash", WrapperRecording.QUESTION,
                    GenAiWrapperBenchmark.CONFIG)};
        for (boolean inRun : new boolean[] {true, false}) {
            long[][] nanos = new long[calls.length][rounds];
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                for (int c = 0; c < calls.length; c++) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    try (InsideLlmContext.Scope ignored = inRun
                            ? InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID).makeCurrent() : null) {
                        for (int i = 0; i < BURST; i++) {
                            sink = calls[c].get();
                        }
                    }
                    long used = THREADS.getCurrentThreadCpuTime() - start;
                    // Outside the measurement: the queue never fills, as in the JMH benchmarks.
                    insideLlm.flush(Duration.ofSeconds(30));
                    if (round >= 0) {
                        nanos[c][round] = used / BURST;
                    }
                }
            }
            System.out.println(inRun ? "inside an InsideLLM run" : "threaded automatically");
            for (int c = 0; c < calls.length; c++) {
                long[] sorted = nanos[c].clone();
                Arrays.sort(sorted);
                System.out.printf("  %-24s caller CPU per call: median %,8d ns  (p25 %,8d, p75 %,8d)%n", names[c],
                        sorted[rounds / 2], sorted[rounds / 4], sorted[3 * rounds / 4]);
            }
        }
        System.out.printf("events dropped: %d%n", insideLlm.stats().eventsDropped());
        insideLlm.close();
    }
}
