package com.insidellm.examples;

import com.insidellm.InsideLlmClient;
import com.insidellm.openai.InsideLlmOpenAI;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.time.Duration;
import java.util.Map;

/**
 * The official OpenAI Java SDK, wrapped by InsideLLM in one line, running a small tool loop: a weather question
 * answered with a tool call, then a money question streamed (the tool call arrives in pieces) and its answer streamed
 * token by token. No tracker and no run id: automatic threading recognises each request as the next turn of the same
 * conversation and records all five model calls in one run.
 *
 * <p>With {@code OPENAI_API_KEY} set it talks to OpenAI ({@code gpt-4o-mini}); without it, to
 * {@link ScriptedOpenAiServer} on loopback. {@code ./demo.sh} always uses the scripted server; alone:
 * {@code ./demo.sh --run OpenAiSdkAgent}.
 */
public final class OpenAiSdkAgent {

    private static final FunctionDefinition WEATHER = FunctionDefinition.builder().name("current_weather")
            .description("Returns the current weather in a city").parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();
    private static final FunctionDefinition CONVERT = FunctionDefinition.builder().name("convert_currency")
            .description("Converts an amount of money from one currency to another").parameters(FunctionParameters
                    .builder().putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("amount", Map.of("type", "number"),
                            "from", Map.of("type", "string"), "to", Map.of("type", "string"))))
                    .build())
            .build();

    private OpenAiSdkAgent() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) throws Exception {
        String openAiKey = System.getenv("OPENAI_API_KEY");
        try (InsideLlmClient client = Examples.client(Examples.collectorUrl(args))) {
            if (openAiKey != null && !openAiKey.isBlank()) {
                System.out.println("Talking to OpenAI (OPENAI_API_KEY is set)");
                run(client, "https://api.openai.com/v1", openAiKey);
            } else {
                runOffline(client);
            }
            Examples.requireDelivered(client.flush(Duration.ofSeconds(10)), client.stats());
        }
    }

    /** Offline: against a scripted server that this method starts and stops. */
    static void runOffline(InsideLlmClient client) throws Exception {
        try (ScriptedOpenAiServer openAi = ScriptedOpenAiServer.start()) {
            run(client, openAi.baseUrl(), "no-key-needed");
        }
    }

    static void run(InsideLlmClient client, String baseUrl, String apiKey) {
        // README: OpenAI SDK
        OpenAIClient openAi = InsideLlmOpenAI.wrap(
                OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).build(), client);
        // end README
        try {
            ChatCompletionCreateParams.Builder conversation = ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addSystemMessage("You are a concise travel assistant.")
                    .addFunctionTool(WEATHER).addFunctionTool(CONVERT);

            ask(conversation, "What's the weather like in Paris right now?");
            ChatCompletionMessage answer = openAi.chat().completions().create(conversation.build())
                    .choices().get(0).message();
            while (answer.toolCalls().isPresent() && !answer.toolCalls().get().isEmpty()) {
                runTools(conversation, answer);
                answer = openAi.chat().completions().create(conversation.build()).choices().get(0).message();
            }
            System.out.println("  assistant: " + answer.content().orElse(""));
            conversation.addMessage(answer);

            ask(conversation, "How much is 120 euros in dollars?");
            conversation.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
            System.out.print("  assistant: ");
            answer = stream(openAi, conversation);
            while (answer.toolCalls().isPresent() && !answer.toolCalls().get().isEmpty()) {
                runTools(conversation, answer);
                answer = stream(openAi, conversation);
            }
            System.out.println();
        } finally {
            openAi.close();
        }
    }

    private static void ask(ChatCompletionCreateParams.Builder conversation, String question) {
        System.out.println("  user:      " + question);
        conversation.addUserMessage(question);
    }

    /** One streamed call: prints the text as it arrives and returns the assembled message. */
    private static ChatCompletionMessage stream(OpenAIClient openAi, ChatCompletionCreateParams.Builder conversation) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions()
                .createStreaming(conversation.build())) {
            stream.stream().map(accumulator::accumulate).flatMap(chunk -> chunk.choices().stream())
                    .flatMap(choice -> choice.delta().content().stream()).forEach(System.out::print);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        return completion.choices().get(0).message();
    }

    /** Runs the tools the model asked for and adds their results to the conversation. */
    private static void runTools(ChatCompletionCreateParams.Builder conversation, ChatCompletionMessage answer) {
        conversation.addMessage(answer);
        for (ChatCompletionMessageToolCall call : answer.toolCalls().orElseThrow()) {
            String name = call.asFunction().function().name();
            String result = name.equals("current_weather") ? "14 °C with light rain" : "129.6";
            conversation.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id())
                    .content(result).build());
        }
    }
}
