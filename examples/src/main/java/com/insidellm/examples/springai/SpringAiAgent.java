package com.insidellm.examples.springai;

import com.insidellm.examples.ScriptedOpenAiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Collectors;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A Spring AI travel assistant recorded by the InsideLLM starter with no code: a {@code ChatClient} with chat memory
 * and two tools, asked two questions in one conversation (the second streamed). The starter records every model
 * call (messages, tools offered, usage, cost, time to first token), every tool the model asks for (as
 * {@code tool.call}/{@code tool.response} children of the model call), and makes the chat-memory conversation id the
 * run, so both turns land in one run.
 *
 * <p>The beans below are what Spring AI's OpenAI Boot starter ({@code spring-ai-starter-model-openai}) declares from
 * {@code spring.ai.openai.*} properties; with the starter, the application needs none of them. The model is OpenAI's
 * when {@code OPENAI_API_KEY} is set, otherwise the scripted OpenAI-compatible server on loopback. Runs on Spring AI
 * 1.1 (Spring Boot 3.5). Alone, against a collector on port 7800: {@code ./demo.sh --run springai.SpringAiAgent}.
 */
@SpringBootApplication
public class SpringAiAgent {

    /** The chat-memory conversation id of the demo's conversation: the run it is recorded in. */
    static final String CONVERSATION_ID = "trip-to-paris-42";

    /** The assistant's tools; Spring AI offers them to the model and runs the ones it asks for. */
    static class TravelTools {

        @Tool(description = "The current weather in a city")
        String currentWeatherIn(String city) {
            return "sunny and 21 degrees";
        }

        @Tool(description = "Converts an amount of money from one currency to another")
        double convertMoney(double amount, String from, String to) {
            return Math.round(amount * 1.08 * 100) / 100.0;
        }
    }

    @Bean
    ToolCallingManager toolCallingManager() {
        return ToolCallingManager.builder().build();   // recorded by the starter: tool.call / tool.response
    }

    @Bean
    OpenAiChatModel chatModel(ToolCallingManager tools, Environment environment) {
        OpenAiApi api = OpenAiApi.builder().baseUrl(environment.getRequiredProperty("openai.base-url"))
                .apiKey(environment.getProperty("openai.api-key", "no-key-needed")).build();
        return OpenAiChatModel.builder().openAiApi(api).toolCallingManager(tools)      // recorded by the starter
                .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").build()).build();
    }

    @Bean
    ChatClient.Builder chatClientBuilder(ChatModel model, ObjectProvider<ChatClientCustomizer> customizers) {
        ChatClient.Builder builder = ChatClient.builder(model);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));  // the run advisor
        return builder;
    }

    /** Starts the application against OpenAI (with {@code OPENAI_API_KEY}) or the scripted server, and chats. */
    public static void main(String[] args) throws Exception {
        demo(URI.create("http://127.0.0.1:7800"), System.out);
    }

    /**
     * What {@code ./demo.sh} does: starts the application sending to {@code collector}, has a two-turn conversation
     * (the weather, then converting money, streamed; the model finds the city of the first turn in chat memory) and
     * stops it, which delivers the events still queued.
     */
    public static void demo(URI collector, PrintStream out) throws IOException {
        String openAiKey = System.getenv("OPENAI_API_KEY");
        boolean scripted = openAiKey == null || openAiKey.isBlank();
        try (ScriptedOpenAiServer openAi = scripted ? ScriptedOpenAiServer.start() : null;
                ConfigurableApplicationContext app = new SpringApplicationBuilder(SpringAiAgent.class)
                        .web(WebApplicationType.NONE).run("--insidellm.base-url=" + collector,
                                "--openai.base-url=" + (scripted ? openAi.baseUrl().replaceFirst("/v1$", "")
                                        : "https://api.openai.com"),
                                "--openai.api-key=" + (scripted ? "no-key-needed" : openAiKey))) {
            ChatMemory memory = MessageWindowChatMemory.builder().maxMessages(20).build();
            ChatClient chat = app.getBean(ChatClient.Builder.class).defaultTools(new TravelTools())
                    .defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build()).build();

            String question = "What is the weather in Paris right now?";
            out.println("  user: " + question);
            out.println("  assistant: " + chat.prompt().user(question)
                    .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, CONVERSATION_ID)).call().content());

            question = "And how much is 120 euros in dollars?";
            out.println("  user: " + question + " (streamed)");
            out.println("  assistant: " + chat.prompt().user(question)
                    .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, CONVERSATION_ID)).stream().content()
                    .collect(Collectors.joining()).block(Duration.ofSeconds(60)));
        }
    }
}
