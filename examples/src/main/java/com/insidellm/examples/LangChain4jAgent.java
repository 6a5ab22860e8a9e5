package com.insidellm.examples;

import com.insidellm.InsideLlmClient;
import com.insidellm.langchain4j.InsideLlmLangChain4j;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A LangChain4j AI service with two {@code @Tool} methods and chat memory, recorded by the InsideLLM LangChain4j
 * integration: two turns of a conversation, the first answered by the synchronous OpenAI model, the second streamed.
 * Each turn calls a tool; the second answer uses what chat memory kept from the first.
 *
 * <p>With {@code OPENAI_API_KEY} set it talks to OpenAI ({@code gpt-4o-mini}); without it, it starts
 * {@link ScriptedOpenAiServer} on loopback and points the same OpenAI client at it, so the HTTP calls, tool calls
 * and streaming are all real. {@code ./demo.sh} always uses the scripted server. To run it alone against a collector
 * on port 7800: {@code ./demo.sh --run LangChain4jAgent}.
 */
public final class LangChain4jAgent {

    /** The AI service. LangChain4j implements it; the system message and tools shape what the model does. */
    interface TravelAssistant {

        @SystemMessage("You are a concise travel assistant. Use the tools for weather and money.")
        String chat(String message);

        @SystemMessage("You are a concise travel assistant. Use the tools for weather and money.")
        TokenStream chatStreaming(String message);
    }

    /** The tools the model may call. */
    static final class TravelTools {

        @Tool("Returns the current weather in a city")
        String currentWeather(@P("the city, such as Paris") String city) {
            return "14 °C with light rain";
        }

        @Tool("Converts an amount of money from one currency to another")
        double convertCurrency(@P("the amount") double amount, @P("ISO code to convert from") String from,
                @P("ISO code to convert to") String to) {
            double rate = from.equals("EUR") && to.equals("USD") ? 1.08 : 1.0;
            return Math.round(amount * rate * 100) / 100.0;
        }
    }

    static {
        // This module also carries LangChain4j's Spring HTTP client (for SpringBootAgent), so LangChain4j needs to be
        // told which one to use. An application with one HTTP client on its class path needs no such line.
        if (System.getProperty("langchain4j.http.clientBuilderFactory") == null) {
            System.setProperty("langchain4j.http.clientBuilderFactory",
                    "dev.langchain4j.http.client.jdk.JdkHttpClientBuilderFactory");
        }
    }

    private LangChain4jAgent() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) throws Exception {
        String openAiKey = System.getenv("OPENAI_API_KEY");
        try (InsideLlmClient client = Examples.client(Examples.collectorUrl(args))) {
            if (openAiKey != null && !openAiKey.isBlank()) {
                System.out.println("Talking to OpenAI (OPENAI_API_KEY is set)");
                run(client, "https://api.openai.com/v1", openAiKey, "gpt-4o-mini");
            } else {
                try (ScriptedOpenAiServer openAi = ScriptedOpenAiServer.start()) {
                    System.out.println("Talking to a scripted OpenAI-compatible server at " + openAi.baseUrl()
                            + " (set OPENAI_API_KEY to use OpenAI)");
                    run(client, openAi.baseUrl(), "no-key-needed", "gpt-4o-mini");
                }
            }
            Examples.requireDelivered(client.flush(Duration.ofSeconds(10)), client.stats());
        }
    }

    /** Offline: against a scripted server that this method starts and stops. */
    static void runOffline(InsideLlmClient client) throws Exception {
        try (ScriptedOpenAiServer openAi = ScriptedOpenAiServer.start()) {
            run(client, openAi.baseUrl(), "no-key-needed", "gpt-4o-mini");
        }
    }

    /** Has a two-turn conversation with the model at {@code baseUrl}, recording it with {@code client}. */
    static void run(InsideLlmClient client, String baseUrl, String apiKey, String modelName) throws Exception {
        // README: LangChain4j
        InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.builder(client).userId("user-7").build();
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(baseUrl).apiKey(apiKey).modelName(modelName)
                .listeners(List.of(insideLlm.chatModelListener()))        // records every model call
                .build();
        StreamingChatModel streamingModel = OpenAiStreamingChatModel.builder()
                .baseUrl(baseUrl).apiKey(apiKey).modelName(modelName)
                .listeners(List.of(insideLlm.chatModelListener()))
                .build();
        TravelAssistant assistant = insideLlm.register(AiServices.builder(TravelAssistant.class)) // + tool calls
                .chatModel(model)
                .streamingChatModel(streamingModel)
                .tools(new TravelTools())
                .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                .build();
        // end README

        String question = "What's the weather like in Paris right now?";
        System.out.println("  user:      " + question);
        System.out.println("  assistant: " + assistant.chat(question));

        question = "How much is 120 euros in dollars?";
        System.out.println("  user:      " + question);
        System.out.print("  assistant: ");
        CompletableFuture<ChatResponse> answered = new CompletableFuture<>();
        assistant.chatStreaming(question)
                .onPartialResponse(System.out::print)                    // tokens as they arrive
                .onCompleteResponse(answered::complete)
                .onError(answered::completeExceptionally)
                .start();
        ChatResponse response = answered.get(60, TimeUnit.SECONDS);
        System.out.println();
        System.out.println("  (" + response.tokenUsage().totalTokenCount() + " tokens in the last model call)");
    }
}
