package com.insidellm.examples.spring;

import com.insidellm.examples.ScriptedOpenAiServer;
import com.insidellm.langchain4j.InsideLlmLangChain4j;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot support agent recorded by the InsideLLM starter: {@code POST /chat} runs {@link SupportService}
 * ({@code @TrackRun}), which plans ({@code @TrackAgentStep}), names the conversation ({@code @TrackLlmCall}) and asks
 * a LangChain4j AI service whose tool looks orders up in a backend ({@code @TrackToolUse}).
 *
 * <p>The chat model is the one LangChain4j's OpenAI Spring Boot starter builds from the
 * {@code langchain4j.open-ai.chat-model.*} properties; the InsideLLM starter gives it its listener, so every model
 * call is recorded without code. The AI service is registered for its invocations and tool executions. Actuator
 * shows the client's health ({@code /actuator/health/insidellm}) and metrics
 * ({@code /actuator/metrics/insidellm.events.sent}, {@code gen_ai.client.token.usage}).
 *
 * <p>Events go to {@code insidellm.base-url} (see {@code application.properties}). The model is OpenAI's when
 * {@code OPENAI_API_KEY} is set, otherwise a scripted OpenAI-compatible server on loopback. {@code ./demo.sh} starts
 * the application, chats with it over HTTP and stops it. To run it alone against a collector on port 7800:
 * {@code ./demo.sh --run spring.SpringBootAgent}.
 */
@SpringBootApplication
public class SpringBootAgent {

    /** Starts the application; Spring Boot arguments such as {@code --server.port=8081} apply. */
    public static void main(String[] args) throws IOException {
        SpringApplication application = new SpringApplication(SpringBootAgent.class);
        String openAiKey = System.getenv("OPENAI_API_KEY");
        if (openAiKey == null || openAiKey.isBlank()) {
            ScriptedOpenAiServer openAi = ScriptedOpenAiServer.start();  // lives as long as the JVM
            application.setDefaultProperties(Map.of("langchain4j.open-ai.chat-model.base-url", openAi.baseUrl()));
            System.out.println("The model is a scripted OpenAI-compatible server at " + openAi.baseUrl()
                    + " (set OPENAI_API_KEY to use OpenAI)");
        }
        ConfigurableApplicationContext app = application.run(args);
        String url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        System.out.println("SpringBootAgent is listening on " + url + " and recording to "
                + app.getEnvironment().getProperty("insidellm.base-url") + ". Try:\n  curl -H 'Content-Type:"
                + " application/json' -d '{\"userId\":\"u1\",\"message\":\"Where is my order AB-1234?\"}' " + url
                + "/chat\n  curl " + url + "/actuator/health\nStop it with Ctrl-C.");
    }

    // README: Spring LangChain4j
    @Bean
    SupportAssistant supportAssistant(ChatModel chatModel, InsideLlmLangChain4j insideLlm, SupportTools tools) {
        return insideLlm.register(AiServices.builder(SupportAssistant.class))  // invocations, tool executions
                .chatModel(chatModel)                   // from the LangChain4j starter, already recorded
                .tools(tools)
                .chatMemoryProvider(userId -> MessageWindowChatMemory.withMaxMessages(20))
                .build();
    }
    // end README

    /**
     * What {@code ./demo.sh} does with this application: starts it on a free port with a scripted model, sending to
     * {@code collector}; posts two chat messages to {@code /chat}; reads its health and a metric from Actuator; and
     * stops it, which delivers the events still queued.
     */
    public static void demo(URI collector, PrintStream out) throws IOException, InterruptedException {
        try (ScriptedOpenAiServer openAi = ScriptedOpenAiServer.start();
                ConfigurableApplicationContext app = new SpringApplication(SpringBootAgent.class).run(
                        "--server.port=0", "--server.address=127.0.0.1", "--insidellm.base-url=" + collector,
                        "--langchain4j.open-ai.chat-model.base-url=" + openAi.baseUrl(),
                        "--langchain4j.open-ai.chat-model.api-key=no-key-needed")) {
            URI base = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
            HttpClient http = HttpClient.newHttpClient();
            for (String message : List.of("Where is my order AB-1234?", "Thanks! And order CD-5678?")) {
                out.println("  POST /chat " + message);
                out.println("    -> " + send(http, HttpRequest.newBuilder(base.resolve("/chat"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"userId\":\"user-9\",\"message\":\"" + message + "\"}"))));
            }
            out.println("  GET /actuator/health/insidellm -> " + send(http, HttpRequest.newBuilder(
                    base.resolve("/actuator/health/insidellm"))));
            out.println("  GET /actuator/metrics/insidellm.events.queued -> " + send(http, HttpRequest.newBuilder(
                    base.resolve("/actuator/metrics/insidellm.events.queued"))));
        }
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.build().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }
}
