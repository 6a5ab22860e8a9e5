package com.insidellm.benchmarks;

import com.insidellm.InsideLlmContext;
import com.insidellm.openai.InsideLlmOpenAI;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
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
 * What {@code InsideLlmOpenAI.wrap} adds to one {@code chat().completions().create} call of the real OpenAI client:
 * the same client, with an HTTP transport that answers from memory (so the network costs nothing and the SDK's own
 * work, request serialisation and response parsing, is all that remains), called unwrapped, wrapped (run placed
 * automatically), and wrapped inside an InsideLLM run. The difference between the scores is the wrapper's overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(WrapperRecording.BURST)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OpenAiWrapperBenchmark {

    static final byte[] ANSWER = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":" + WrapperRecording.answerJson() + ",\"refusal\":null},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":812,\"completion_tokens\":256,"
            + "\"total_tokens\":1068,\"prompt_tokens_details\":{\"cached_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}").getBytes(StandardCharsets.UTF_8);

    static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
            .addSystemMessage(WrapperRecording.SYSTEM).addUserMessage(WrapperRecording.QUESTION).temperature(0.2)
            .build();

    /** An OpenAI HTTP transport that answers every request with the same completion, from memory. */
    static final class MemoryHttpClient implements HttpClient {
        @Override
        public HttpResponse execute(HttpRequest request, RequestOptions options) {
            if (request.body() != null) {
                // The SDK serialises the request when it is written, as a real transport would.
                request.body().writeTo(java.io.OutputStream.nullOutputStream());
            }
            return new HttpResponse() {
                @Override
                public int statusCode() {
                    return 200;
                }

                @Override
                public Headers headers() {
                    return Headers.builder().put("Content-Type", "application/json").build();
                }

                @Override
                public InputStream body() {
                    return new ByteArrayInputStream(ANSWER);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
            return CompletableFuture.completedFuture(execute(request, options));
        }

        @Override
        public void close() {
        }
    }

    static OpenAIClient client() {
        return new OpenAIClientImpl(ClientOptions.builder().httpClient(new MemoryHttpClient()).apiKey("bench")
                .maxRetries(0).build());
    }

    /** The client without recording: the baseline. */
    @State(Scope.Benchmark)
    public static class Unwrapped {
        final OpenAIClient openAi = client();
    }

    /** The same client wrapped by InsideLLM. */
    @State(Scope.Benchmark)
    public static class Wrapped {
        WrapperRecording recording;
        OpenAIClient openAi;

        @Setup(Level.Trial)
        public void start() {
            recording = new WrapperRecording();
            openAi = InsideLlmOpenAI.wrap(client(), recording.client);
        }

        @TearDown(Level.Invocation)
        public void drain() {
            recording.drain();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            recording.stop(params);
        }
    }

    @Benchmark
    public void unwrapped(Unwrapped state, CallerCpu cpu, Blackhole blackhole) {
        for (int i = 0; i < WrapperRecording.BURST; i++) {
            blackhole.consume(state.openAi.chat().completions().create(PARAMS));
        }
    }

    @Benchmark
    public void wrapped(Wrapped state, CallerCpu cpu, Blackhole blackhole) {
        for (int i = 0; i < WrapperRecording.BURST; i++) {
            blackhole.consume(state.openAi.chat().completions().create(PARAMS));
        }
    }

    @Benchmark
    public void wrappedInRun(Wrapped state, CallerCpu cpu, Blackhole blackhole) {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID)
                .makeCurrent()) {
            for (int i = 0; i < WrapperRecording.BURST; i++) {
                blackhole.consume(state.openAi.chat().completions().create(PARAMS));
            }
        }
    }
}
