package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI clients pointed at the gateway, in front of an upstream speaking Anthropic's native Messages API (scripted
 * as its documentation shows): requests translated one way, answers and stream events the other.
 */
class GatewayAnthropicTest {

    static final String CONFIG = """
            {"models": [{"provider": "anthropic", "providerModel": "claude-3-7-sonnet-latest", "model": "claude",
                         "apiBase": "${UPSTREAM}", "apiKey": "ENV:TEST_ANTHROPIC_KEY"}]}""";
    static final String KEY = "sk-ant-test-secret-987654321";

    static final String MESSAGE = """
            {"id":"msg_01A","type":"message","role":"assistant","model":"claude-3-7-sonnet-20250219",
             "content":[{"type":"text","text":"I will look it up."},
                        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":100,"cache_creation_input_tokens":20,"cache_read_input_tokens":300,"output_tokens":40}}""";

    /** Anthropic's event stream for text then a tool call, as its streaming documentation lays it out. */
    static final String EVENTS = String.join("\n",
            "event: message_start",
            "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01B\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-3-7-sonnet-20250219\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":10,\"output_tokens\":1}}}",
            "",
            "event: content_block_start",
            "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "",
            "event: ping",
            "data: {\"type\": \"ping\"}",
            "",
            "event: content_block_delta",
            "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check\"}}",
            "",
            "event: content_block_delta",
            "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" the weather.\"}}",
            "",
            "event: content_block_stop",
            "data: {\"type\":\"content_block_stop\",\"index\":0}",
            "",
            "event: content_block_start",
            "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"get_weather\",\"input\":{}}}",
            "",
            "event: content_block_delta",
            "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
            "",
            "event: content_block_delta",
            "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Par\"}}",
            "",
            "event: content_block_delta",
            "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"is\\\"}\"}}",
            "",
            "event: content_block_stop",
            "data: {\"type\":\"content_block_stop\",\"index\":1}",
            "",
            "event: message_delta",
            "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":42}}",
            "",
            "event: message_stop",
            "data: {\"type\":\"message_stop\"}",
            "", "");

    @TempDir
    Path dir;
    GatewayHarness gateway;

    @BeforeEach
    void start() {
        gateway = new GatewayHarness(dir, CONFIG, Map.of("TEST_ANTHROPIC_KEY", KEY));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aConversationWithImagesToolsAndToolResultsIsTranslatedBothWays() throws Exception {
        gateway.enqueueJson(MESSAGE);
        ChatCompletionMessageToolCall earlierCall = ChatCompletionMessageToolCall.ofFunction(
                ChatCompletionMessageFunctionToolCall.builder().id("toolu_00").function(
                        ChatCompletionMessageFunctionToolCall.Function.builder().name("get_time")
                                .arguments("{\"zone\":\"CET\"}").build()).build());
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("claude")
                .addSystemMessage("You are terse.")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?")
                                .build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                                ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,iVBORw0K")
                                        .build()).build())))
                .addMessage(ChatCompletionAssistantMessageParam.builder().toolCalls(List.of(earlierCall)).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("toolu_00").content("12:00").build())
                .addUserMessage("And the weather in Paris?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("get_weather").description("Weather of a city")
                        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                        Map.of("type", "string")))).build()).build()).build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .maxCompletionTokens(512)
                .stop("END")
                .build();

        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.gatewayBase()).apiKey("ignored")
                .maxRetries(0).build();
        ChatCompletion answer;
        try {
            answer = client.chat().completions().create(params);
        } finally {
            client.close();
        }

        RecordedRequest sent = gateway.upstream.takeRequest();
        assertThat(sent.getPath()).isEqualTo("/v1/messages");
        assertThat(sent.getHeader("x-api-key")).isEqualTo(KEY);
        assertThat(sent.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.getHeader("Authorization")).isNull();
        JsonNode body = Events.JSON.readTree(sent.getBody().readUtf8());
        assertThat(body.path("model").asText()).isEqualTo("claude-3-7-sonnet-latest");
        assertThat(body.path("system").asText()).isEqualTo("You are terse.");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(512);
        assertThat(body.path("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(body.path("tool_choice").path("type").asText()).isEqualTo("any");
        assertThat(body.path("tools").get(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(body.path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("content").get(1).path("source").path("type").asText()).isEqualTo("base64");
        assertThat(messages.get(0).path("content").get(1).path("source").path("media_type").asText())
                .isEqualTo("image/png");
        assertThat(messages.get(1).path("content").get(0).path("type").asText()).isEqualTo("tool_use");
        assertThat(messages.get(1).path("content").get(0).path("input").path("zone").asText()).isEqualTo("CET");
        // The tool result and the next question are one user turn, as Anthropic requires alternating roles.
        assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(2).path("content").get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(messages.get(2).path("content").get(0).path("tool_use_id").asText()).isEqualTo("toolu_00");
        assertThat(messages.get(2).path("content").get(1).path("text").asText()).isEqualTo("And the weather in Paris?");

        assertThat(answer.id()).isEqualTo("msg_01A");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(answer.choices().get(0).message().content()).hasValue("I will look it up.");
        var call = answer.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("toolu_01");
        assertThat(Events.JSON.readTree(call.function().arguments()).path("city").asText()).isEqualTo("Paris");
        var usage = answer.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(420);
        assertThat(usage.completionTokens()).isEqualTo(40);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(300L);

        JsonNode res = gateway.awaitEvents("llm.response", 1).get(0).path("payload");
        assertThat(res.path("provider").asText()).isEqualTo("anthropic");
        assertThat(res.path("usage").path("cached_tokens").asInt()).isEqualTo(300);
        assertThat(res.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(res.path("response_message").path("tool_calls").get(0).path("function").path("name").asText())
                .isEqualTo("get_weather");
    }

    @Test
    void anthropicStreamEventsBecomeOpenAiChunksForLangChain4jsStreamingModel() throws Exception {
        gateway.enqueueSse(EVENTS);
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gateway.gatewayBase())
                .apiKey("ignored").modelName("claude").timeout(Duration.ofSeconds(20)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"))
                .toolSpecifications(ToolSpecification.builder().name("get_weather")
                        .parameters(JsonObjectSchema.builder().addStringProperty("city").build()).build())
                .build(), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String text) {
                        partial.append(text);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse response = done.get(20, TimeUnit.SECONDS);

        assertThat(partial.toString()).isEqualTo("Let me check the weather.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("toolu_02");
            assertThat(r.name()).isEqualTo("get_weather");
            assertThat(Events.JSON.readTree(r.arguments()).path("city").asText()).isEqualTo("Paris");
        });
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(35);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(42);
        JsonNode body = Events.JSON.readTree(gateway.upstream.takeRequest().getBody().readUtf8());
        assertThat(body.path("stream").asBoolean()).isTrue();

        JsonNode res = gateway.awaitEvents("llm.response", 1).get(0).path("payload");
        assertThat(res.path("response_text").asText()).isEqualTo("Let me check the weather.");
        assertThat(res.path("usage").path("prompt_tokens").asInt()).isEqualTo(35);
        assertThat(res.path("usage").path("cached_tokens").asInt()).isEqualTo(10);
        assertThat(res.path("response_id").asText()).isEqualTo("msg_01B");
        assertThat(res.path("response_message").path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"city\": \"Paris\"}");
        assertThat(res.path("time_to_first_token_ms").isNumber()).isTrue();
    }
}
