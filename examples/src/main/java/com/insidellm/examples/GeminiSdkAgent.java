package com.insidellm.examples;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.insidellm.InsideLlmClient;
import com.insidellm.googlegenai.InsideLlmGenAI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Google Gen AI Java SDK recording through InsideLLM's client options (one line): a weather question answered
 * with a function call, the function's response sent back, and the answer streamed. Both model calls are threaded
 * into one run automatically.
 *
 * <p>With {@code GOOGLE_API_KEY} set it talks to the Gemini API ({@code gemini-2.5-flash}); without it, to
 * {@link ScriptedProviderServer} on loopback. {@code ./demo.sh} always uses the scripted server; alone:
 * {@code ./demo.sh --run GeminiSdkAgent}.
 */
public final class GeminiSdkAgent {

    private static final GenerateContentConfig CONFIG = GenerateContentConfig.builder()
            .systemInstruction(Content.fromParts(Part.fromText("You are a concise travel assistant.")))
            .tools(Tool.builder().functionDeclarations(FunctionDeclaration.builder().name("current_weather")
                    .description("Returns the current weather in a city").parameters(Schema.builder()
                            .type("OBJECT").properties(Map.of("city", Schema.builder().type("STRING").build()))
                            .build())
                    .build()).build())
            .build();

    private GeminiSdkAgent() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) throws Exception {
        String key = System.getenv("GOOGLE_API_KEY");
        try (InsideLlmClient client = Examples.client(Examples.collectorUrl(args))) {
            if (key != null && !key.isBlank()) {
                System.out.println("Talking to the Gemini API (GOOGLE_API_KEY is set)");
                run(client, null, key);
            } else {
                runOffline(client);
            }
            Examples.requireDelivered(client.flush(Duration.ofSeconds(10)), client.stats());
        }
    }

    /** Offline: against a scripted server that this method starts and stops. */
    static void runOffline(InsideLlmClient client) throws Exception {
        try (ScriptedProviderServer gemini = ScriptedProviderServer.start()) {
            run(client, gemini.baseUrl(), "no-key-needed");
        }
    }

    static void run(InsideLlmClient client, @org.jspecify.annotations.Nullable String baseUrl, String apiKey) {
        Client.Builder builder = Client.builder().apiKey(apiKey);
        if (baseUrl != null) {
            builder.httpOptions(HttpOptions.builder().baseUrl(baseUrl).build());
        }
        // README: Gemini SDK
        Client gemini = builder.clientOptions(InsideLlmGenAI.clientOptions(client)).build();
        // end README
        try (gemini) {
            String question = "What's the weather like in Paris right now?";
            System.out.println("  user:      " + question);
            List<Content> conversation = new ArrayList<>();
            conversation.add(Content.builder().role("user").parts(Part.fromText(question)).build());

            GenerateContentResponse first = gemini.models.generateContent("gemini-2.5-flash", conversation, CONFIG);
            conversation.add(first.candidates().orElseThrow().get(0).content().orElseThrow());
            for (FunctionCall call : first.functionCalls()) {
                conversation.add(Content.builder().role("user").parts(Part.fromFunctionResponse(
                        call.name().orElse(""), Map.of("result", "14 °C with light rain"))).build());
            }

            System.out.print("  assistant: ");
            try (ResponseStream<GenerateContentResponse> stream = gemini.models.generateContentStream(
                    "gemini-2.5-flash", conversation, CONFIG)) {
                for (GenerateContentResponse chunk : stream) {
                    System.out.print(chunk.text());
                }
            }
            System.out.println();
        }
    }
}
