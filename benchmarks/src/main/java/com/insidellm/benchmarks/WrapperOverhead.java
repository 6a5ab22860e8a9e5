package com.insidellm.benchmarks;

import com.google.genai.Client;
import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.anthropic.InsideLlmAnthropic;
import com.insidellm.googlegenai.InsideLlmGenAI;
import com.insidellm.openai.InsideLlmOpenAI;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The SDK wrappers' overhead per call as the caller's CPU time, unwrapped and wrapped calls alternated in bursts on
 * one thread of one JVM ({@link CpuBursts}): on a machine shared with other work the load changes from second to
 * second, and alternating exposes both variants to the same load, which separate JMH forks do not. The same clients
 * and in-memory transports as {@link OpenAiWrapperBenchmark}, {@link AnthropicWrapperBenchmark} and
 * {@link GenAiWrapperBenchmark}; prints the median, 25th and 75th percentile CPU time per call over the measured
 * rounds, inside an InsideLLM run and threaded automatically.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar com.insidellm.benchmarks.WrapperOverhead [rounds, default 40]
 * }</pre>
 */
public final class WrapperOverhead {

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
            long[][] nanos = CpuBursts.measure(calls, rounds, inRun, insideLlm);
            System.out.println(inRun ? "inside an InsideLLM run" : "threaded automatically");
            CpuBursts.print(names, nanos);
        }
        System.out.printf("events dropped: %d%n", insideLlm.stats().eventsDropped());
        insideLlm.close();
    }
}
