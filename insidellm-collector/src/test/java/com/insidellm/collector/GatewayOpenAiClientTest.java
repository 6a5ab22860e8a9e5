package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK pointed at the gateway, in front of a scripted OpenAI-compatible upstream. */
class GatewayOpenAiClientTest {

    static final String CONFIG = """
            {"models": [{"provider": "openai", "providerModel": "gpt-4o-mini-2024-07-18", "model": "mini",
                         "apiBase": "${UPSTREAM}/v1", "apiKey": "ENV:TEST_UPSTREAM_KEY"}]}""";
    static final String UPSTREAM_KEY = "sk-upstream-secret-0123456789";

    static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1733000000,"model":"gpt-4o-mini-2024-07-18",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital.","refusal":null},\
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,\
            "total_tokens":17,"prompt_tokens_details":{"cached_tokens":4},\
            "completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp_1"}""";

    /** An OpenAI stream with two parallel tool calls in deltas, then the usage chunk, as OpenAI sends them. */
    static final String TOOL_STREAM = sse(
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1733000001,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1733000001,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1733000001,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1733000001,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1733000001,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":null}",
            "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1733000001,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":20,\"total_tokens\":50,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");

    static String sse(String... chunks) {
        StringBuilder sb = new StringBuilder();
        for (String c : chunks) {
            sb.append("data: ").append(c).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString();
    }

    @TempDir
    Path dir;
    GatewayHarness gateway;
    OpenAIClient client;

    @BeforeEach
    void start() {
        gateway = new GatewayHarness(dir, CONFIG, Map.of("TEST_UPSTREAM_KEY", UPSTREAM_KEY));
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.gatewayBase()).apiKey("client-key-not-forwarded")
                .maxRetries(0).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        gateway.close();
    }

    @Test
    void aNonStreamingCallReachesTheClientUnchangedAndIsRecordedWithUsageAndCost() throws Exception {
        gateway.enqueueJson(COMPLETION);

        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("mini").addSystemMessage("Be brief.").addUserMessage("Capital of France?").temperature(0.2)
                .user("alice").build());

        assertThat(answer.id()).isEqualTo("chatcmpl-1");
        assertThat(answer.choices().get(0).message().content()).hasValue("Paris is the capital.");
        assertThat(answer.usage().orElseThrow().promptTokens()).isEqualTo(12);

        RecordedRequest sent = gateway.upstream.takeRequest();
        assertThat(sent.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        JsonNode forwarded = Events.JSON.readTree(sent.getBody().readUtf8());
        assertThat(forwarded.path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(forwarded.path("temperature").asDouble()).isEqualTo(0.2);

        JsonNode request = gateway.awaitEvents("llm.request", 1).get(0);
        JsonNode response = gateway.awaitEvents("llm.response", 1).get(0);
        assertThat(request.path("user_id").asText()).isEqualTo("alice");
        assertThat(request.path("metadata").path("source").asText()).isEqualTo("gateway");
        assertThat(request.path("metadata").path("gateway_model").asText()).isEqualTo("mini");
        JsonNode req = request.path("payload");
        assertThat(req.path("model_name").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(req.path("provider").asText()).isEqualTo("openai");
        assertThat(req.path("prompt").asText()).isEqualTo("Capital of France?");
        assertThat(req.path("system_message").asText()).isEqualTo("Be brief.");
        assertThat(req.path("messages")).hasSize(2);
        assertThat(req.path("parameters").path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(req.path("call_type").asText()).isEqualTo("chat");
        assertThat(req.path("stream").asBoolean()).isFalse();

        assertThat(response.path("parent_event_id").asText()).isEqualTo(request.path("event_id").asText());
        assertThat(response.path("run_id").asText()).isEqualTo(request.path("run_id").asText());
        JsonNode res = response.path("payload");
        assertThat(res.path("response_text").asText()).isEqualTo("Paris is the capital.");
        assertThat(res.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(res.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
        assertThat(res.path("usage").path("cached_tokens").asInt()).isEqualTo(4);
        assertThat(res.path("cost").asDouble()).isPositive();
        assertThat(res.path("response_id").asText()).isEqualTo("chatcmpl-1");
        assertThat(res.path("response_model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(res.path("response_message").path("role").asText()).isEqualTo("assistant");
    }

    @Test
    void aStreamWithToolCallDeltasReachesTheClientAndIsRecordedAssembledWithHiddenUsage() throws Exception {
        gateway.enqueueSse(TOOL_STREAM);

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("mini").addUserMessage("Weather and time in Paris?")
                        .build())) {
            chunks = stream.stream().peek(acc::accumulate).toList();
        }

        // The client did not ask for usage: the usage chunk the gateway asked for on its behalf is not passed on.
        assertThat(chunks).hasSize(5).allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
        ChatCompletion whole = acc.chatCompletion();
        var calls = whole.choices().get(0).message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).asFunction().function().name()).isEqualTo("get_weather");
        assertThat(calls.get(0).asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(calls.get(1).asFunction().id()).isEqualTo("call_b");

        JsonNode forwarded = Events.JSON.readTree(gateway.upstream.takeRequest().getBody().readUtf8());
        assertThat(forwarded.path("stream_options").path("include_usage").asBoolean()).isTrue();

        JsonNode res = gateway.awaitEvents("llm.response", 1).get(0).path("payload");
        assertThat(res.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(res.path("usage").path("total_tokens").asInt()).isEqualTo(50);
        assertThat(res.has("time_to_first_token_ms")).isTrue();
        JsonNode recorded = res.path("response_message").path("tool_calls");
        assertThat(recorded).hasSize(2);
        assertThat(recorded.get(0).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(recorded.get(1).path("function").path("name").asText()).isEqualTo("get_time");
        JsonNode req = gateway.awaitEvents("llm.request", 1).get(0).path("payload");
        assertThat(req.path("stream").asBoolean()).isTrue();
    }

    @Test
    void langChain4jsStreamingModelGetsTheToolCallsAndUsageThroughTheGateway() throws Exception {
        gateway.enqueueSse(TOOL_STREAM);
        dev.langchain4j.model.openai.OpenAiStreamingChatModel model = dev.langchain4j.model.openai
                .OpenAiStreamingChatModel.builder().baseUrl(gateway.gatewayBase()).apiKey("unused").modelName("mini")
                .build();
        java.util.concurrent.CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse> done =
                new java.util.concurrent.CompletableFuture<>();
        model.chat("Weather and time in Paris?", new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        var response = done.get(20, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(response.aiMessage().toolExecutionRequests()).extracting(r -> r.name())
                .containsExactly("get_weather", "get_time");
        assertThat(response.aiMessage().toolExecutionRequests().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(50);
        JsonNode res = gateway.awaitEvents("llm.response", 1).get(0).path("payload");
        assertThat(res.path("response_message").path("tool_calls")).hasSize(2);
    }

    @Test
    void aClientThatAsksForUsageGetsTheUsageChunk() {
        gateway.enqueueSse(TOOL_STREAM);

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("mini").addUserMessage("Weather?")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }

        assertThat(chunks).hasSize(6);
        assertThat(chunks.get(5).usage().orElseThrow().totalTokens()).isEqualTo(50);
    }
}
