package com.insidellm.examples;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmTracker;
import com.insidellm.anthropic.InsideLlmAnthropic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The official Anthropic Java SDK, wrapped by InsideLLM in one line, inside an InsideLLM tracker: a weather question
 * answered with a tool use (the tool's result goes back as a {@code tool_result} block), the final answer streamed.
 * Both model calls land in the tracker's run, under the agent step that made them.
 *
 * <p>With {@code ANTHROPIC_API_KEY} set it talks to Anthropic ({@code claude-sonnet-4-5}); without it, to
 * {@link ScriptedProviderServer} on loopback. {@code ./demo.sh} always uses the scripted server; alone:
 * {@code ./demo.sh --run AnthropicSdkAgent}.
 */
public final class AnthropicSdkAgent {

    private static final Tool WEATHER = Tool.builder().name("current_weather")
            .description("Returns the current weather in a city")
            .inputSchema(Tool.InputSchema.builder()
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();

    private AnthropicSdkAgent() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) throws Exception {
        String key = System.getenv("ANTHROPIC_API_KEY");
        try (InsideLlmClient client = Examples.client(Examples.collectorUrl(args))) {
            if (key != null && !key.isBlank()) {
                System.out.println("Talking to Anthropic (ANTHROPIC_API_KEY is set)");
                run(client, "https://api.anthropic.com", key);
            } else {
                runOffline(client);
            }
            Examples.requireDelivered(client.flush(Duration.ofSeconds(10)), client.stats());
        }
    }

    /** Offline: against a scripted server that this method starts and stops. */
    static void runOffline(InsideLlmClient client) throws Exception {
        try (ScriptedProviderServer anthropic = ScriptedProviderServer.start()) {
            run(client, anthropic.baseUrl(), "no-key-needed");
        }
    }

    static void run(InsideLlmClient client, String baseUrl, String apiKey) throws Exception {
        // README: Anthropic SDK
        AnthropicClient anthropic = InsideLlmAnthropic.wrap(
                AnthropicOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).build(), client);
        // end README
        try (InsideLlmTracker tracker = client.tracker("user-7")) {
            String question = "What's the weather like in Paris right now?";
            System.out.println("  user:      " + question);
            tracker.logUserInput(question);
            MessageCreateParams.Builder conversation = MessageCreateParams.builder().model("claude-sonnet-4-5")
                    .maxTokens(1024).system("You are a concise travel assistant.").addTool(WEATHER)
                    .addUserMessage(question);

            Message first = tracker.trackAgentStep("ask", () -> anthropic.messages().create(conversation.build()));
            List<ContentBlockParam> results = new ArrayList<>();
            for (ContentBlock block : first.content()) {
                if (block.isToolUse()) {
                    String result = tracker.trackToolCall(block.asToolUse().name(), Map.of("city", "Paris"),
                            () -> "14 °C with light rain");
                    results.add(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                            .toolUseId(block.asToolUse().id()).content(result).build()));
                }
            }
            conversation.addMessage(first).addUserMessage(MessageContentParam.ofContentBlockParams(results));

            System.out.print("  assistant: ");
            MessageAccumulator accumulator = MessageAccumulator.create();
            tracker.trackAgentStep("answer", () -> {
                try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages()
                        .createStreaming(conversation.build())) {
                    stream.stream().map(accumulator::accumulate).filter(RawMessageStreamEvent::isContentBlockDelta)
                            .map(e -> e.asContentBlockDelta().delta()).filter(d -> d.isText())
                            .forEach(d -> System.out.print(d.asText().text()));
                }
            });
            System.out.println();
            tracker.logAgentResponse(accumulator.message().content().get(0).asText().text());
        } finally {
            anthropic.close();
        }
    }
}
