package com.insidellm.benchmarks;

import com.insidellm.InsideLlmContext;
import com.insidellm.anthropic.InsideLlmAnthropic;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientImpl;
import com.anthropic.core.ClientOptions;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.models.messages.MessageCreateParams;
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
 * What {@code InsideLlmAnthropic.wrap} adds to one {@code messages().create} call of the real Anthropic client:
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
public class AnthropicWrapperBenchmark {

    private static final byte[] ANSWER = ("{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":"
            + WrapperRecording.answerJson() + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":812,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
            + "\"output_tokens\":256}}").getBytes(StandardCharsets.UTF_8);

    static final MessageCreateParams PARAMS = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(1024)
            .system(WrapperRecording.SYSTEM).addUserMessage(WrapperRecording.QUESTION).build();

    /** An Anthropic HTTP transport that answers every request with the same completion, from memory. */
    static final class MemoryHttpClient implements HttpClient {
        @Override
        public HttpResponse execute(HttpRequest request, RequestOptions options) {
            // The SDK serialises the request when it is written, as a real transport would.
            request.body().ifPresent(body -> body.writeTo(java.io.OutputStream.nullOutputStream()));
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

    static AnthropicClient client() {
        return new AnthropicClientImpl(ClientOptions.builder().httpClient(new MemoryHttpClient())
                .putHeader("x-api-key", "bench").maxRetries(0).build());
    }

    /** The client without recording: the baseline. */
    @State(Scope.Benchmark)
    public static class Unwrapped {
        final AnthropicClient anthropic = client();
    }

    /** The same client wrapped by InsideLLM. */
    @State(Scope.Benchmark)
    public static class Wrapped {
        WrapperRecording recording;
        AnthropicClient anthropic;

        @Setup(Level.Trial)
        public void start() {
            recording = new WrapperRecording();
            anthropic = InsideLlmAnthropic.wrap(client(), recording.client);
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
            blackhole.consume(state.anthropic.messages().create(PARAMS));
        }
    }

    @Benchmark
    public void wrapped(Wrapped state, CallerCpu cpu, Blackhole blackhole) {
        for (int i = 0; i < WrapperRecording.BURST; i++) {
            blackhole.consume(state.anthropic.messages().create(PARAMS));
        }
    }

    @Benchmark
    public void wrappedInRun(Wrapped state, CallerCpu cpu, Blackhole blackhole) {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID)
                .makeCurrent()) {
            for (int i = 0; i < WrapperRecording.BURST; i++) {
                blackhole.consume(state.anthropic.messages().create(PARAMS));
            }
        }
    }
}
