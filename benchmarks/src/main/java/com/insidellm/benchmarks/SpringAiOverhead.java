package com.insidellm.benchmarks;

import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.spring.InsideLlmSpringAi;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

/**
 * What the Spring starter's Spring AI recording adds to one call, as the caller's CPU time: Spring AI 1.1's real
 * {@link OpenAiChatModel} whose {@link RestClient} answers from memory (request serialised, response parsed, no
 * network), called directly and through {@link ChatClient}, unwrapped and recorded ({@link InsideLlmSpringAi#wrap},
 * the proxy the starter puts on every {@code ChatModel} bean, and its conversation advisor on the {@code ChatClient},
 * with a chat-memory conversation id as the run). Variants alternate in bursts on one thread of one JVM
 * ({@link CpuBursts}), so that all see the same machine load; prints the median, 25th and 75th percentile CPU
 * time per call, and each recorded variant's overhead over its unwrapped twin, inside an InsideLLM run and without one
 * (placed by the conversation id or threaded automatically).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar com.insidellm.benchmarks.SpringAiOverhead [rounds, default 40]
 * }</pre>
 */
public final class SpringAiOverhead {

    private static final String CONVERSATION_ID = "benchmark-conversation";
    private static final Prompt PROMPT = new Prompt(List.of(new SystemMessage(WrapperRecording.SYSTEM),
            new UserMessage(WrapperRecording.QUESTION)));

    private SpringAiOverhead() {
    }

    /** Spring AI's OpenAI chat model on a REST client that answers every request with the same completion. */
    static OpenAiChatModel model() {
        RestClient.Builder memory = RestClient.builder().requestInterceptor((request, body, execution) ->
                new MemoryResponse());
        OpenAiApi api = OpenAiApi.builder().baseUrl("http://127.0.0.1:9").apiKey("sk-benchmark")
                .restClientBuilder(memory).build();
        return OpenAiChatModel.builder().openAiApi(api).toolCallingManager(ToolCallingManager.builder().build())
                .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.2).build()).build();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        InsideLlmClient insideLlm = InsideLlmClient.builder().addExporter(new CallerCostBenchmark.DiscardingExporter())
                .maxQueueSize(CallerCostBenchmark.QUEUE_CAPACITY).batchSize(500).shutdownHook(false).build();
        ModelCallRecorder recorder = ModelCallRecorder.builder(insideLlm).source(InsideLlmSpringAi.SOURCE).build();
        ChatModel raw = model();
        ChatModel recorded = InsideLlmSpringAi.wrap(model(), recorder);
        ChatClient rawClient = ChatClient.builder(raw).build();
        ChatClient recordedClient = ChatClient.builder(recorded)
                .defaultAdvisors(InsideLlmSpringAi.conversationAdvisor(insideLlm, () -> BenchEvents.USER_ID)).build();
        String[] names = {"ChatModel unwrapped", "ChatModel recorded", "ChatClient unwrapped", "ChatClient recorded"};
        Supplier<?>[] calls = {
            () -> raw.call(PROMPT),
            () -> recorded.call(PROMPT),
            () -> chat(rawClient),
            () -> chat(recordedClient)};
        // Spring's and Spring AI's call paths take longer than the burst warm-up to compile: one round unmeasured.
        CpuBursts.measure(calls, rounds, true, insideLlm);
        for (boolean inRun : new boolean[] {true, false}) {
            long[][] nanos = CpuBursts.measure(calls, rounds, inRun, insideLlm);
            System.out.println(inRun ? "inside an InsideLLM run"
                    : "outside a run (ChatModel threaded automatically, ChatClient by its conversation id)");
            long[] medians = CpuBursts.print(names, nanos);
            System.out.printf("  overhead: ChatModel %,d ns, ChatClient %,d ns per call (difference of medians)%n",
                    medians[1] - medians[0], medians[3] - medians[2]);
        }
        System.out.printf("events queued: %d, dropped: %d%n", insideLlm.stats().eventsQueued(),
                insideLlm.stats().eventsDropped());
        if (insideLlm.stats().eventsQueued() == 0 || insideLlm.stats().eventsDropped() > 0) {
            throw new IllegalStateException("the recording did not record every call: " + insideLlm.stats());
        }
        recorder.close();
        insideLlm.close();
    }

    private static Object chat(ChatClient client) {
        return client.prompt().system(WrapperRecording.SYSTEM).user(WrapperRecording.QUESTION)
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, CONVERSATION_ID)).call().chatResponse();
    }

    /** OpenAI's answer to a chat completion, from memory. */
    private static final class MemoryResponse implements ClientHttpResponse {
        private final HttpHeaders headers = new HttpHeaders();

        MemoryResponse() {
            headers.setContentType(MediaType.APPLICATION_JSON);
        }

        @Override
        public HttpStatusCode getStatusCode() {
            return HttpStatusCode.valueOf(200);
        }

        @Override
        public String getStatusText() {
            return "OK";
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(OpenAiWrapperBenchmark.ANSWER);
        }

        @Override
        public void close() {
        }
    }
}
