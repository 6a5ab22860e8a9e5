package com.insidellm.benchmarks;

import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import com.insidellm.InsideLlmContext;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.googlegenai.InsideLlmGenAI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
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
 * What {@code InsideLlmGenAI.clientOptions} adds to one {@code models.generateContent} call of the real Google Gen AI
 * client: the same client, whose OkHttp client answers from memory (an interceptor that never reaches the network),
 * called without recording, with the recording interceptor (run placed automatically), and inside an InsideLLM run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(WrapperRecording.BURST)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GenAiWrapperBenchmark {

    private static final byte[] ANSWER = ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
            + WrapperRecording.answerJson() + "}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
            + "{\"promptTokenCount\":812,\"candidatesTokenCount\":256,\"totalTokenCount\":1068},"
            + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-1\"}").getBytes(StandardCharsets.UTF_8);
    private static final MediaType JSON = MediaType.get("application/json");

    static final GenerateContentConfig CONFIG = GenerateContentConfig.builder()
            .systemInstruction(Content.fromParts(Part.fromText(WrapperRecording.SYSTEM))).temperature(0.2f).build();

    /** Answers every request with the same response, from memory, after reading the request body. */
    static final Interceptor MEMORY = chain -> {
        if (chain.request().body() != null) {
            chain.request().body().writeTo(new Buffer());
        }
        return new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(ANSWER, JSON)).build();
    };

    static Client client(OkHttpClient http) {
        return Client.builder().apiKey("bench").httpOptions(HttpOptions.builder().baseUrl("http://localhost:9/")
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
                .clientOptions(ClientOptions.builder().customHttpClient(http).build()).build();
    }

    /** The client without recording: the baseline. */
    @State(Scope.Benchmark)
    public static class Unwrapped {
        final Client gemini = client(new OkHttpClient.Builder().addInterceptor(MEMORY).build());
    }

    /** The same client with the recording interceptor in front of the in-memory answer. */
    @State(Scope.Benchmark)
    public static class Wrapped {
        WrapperRecording recording;
        Client gemini;

        @Setup(Level.Trial)
        public void start() {
            recording = new WrapperRecording();
            gemini = client(new OkHttpClient.Builder()
                    .addInterceptor(InsideLlmGenAI.interceptor(ModelCallRecorder.create(recording.client)))
                    .addInterceptor(MEMORY).build());
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
            blackhole.consume(state.gemini.models.generateContent("gemini-2.5-flash", WrapperRecording.QUESTION,
                    CONFIG));
        }
    }

    @Benchmark
    public void wrapped(Wrapped state, CallerCpu cpu, Blackhole blackhole) {
        for (int i = 0; i < WrapperRecording.BURST; i++) {
            blackhole.consume(state.gemini.models.generateContent("gemini-2.5-flash", WrapperRecording.QUESTION,
                    CONFIG));
        }
    }

    @Benchmark
    public void wrappedInRun(Wrapped state, CallerCpu cpu, Blackhole blackhole) {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID)
                .makeCurrent()) {
            for (int i = 0; i < WrapperRecording.BURST; i++) {
                blackhole.consume(state.gemini.models.generateContent("gemini-2.5-flash",
                        WrapperRecording.QUESTION, CONFIG));
            }
        }
    }
}
