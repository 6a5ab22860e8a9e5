package com.insidellm.examples.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmMetrics;
import com.insidellm.examples.ScriptedOpenAiServer;
import com.insidellm.langchain4j.InsideLlmLangChain4j;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot support agent recorded by the InsideLLM starter: {@code POST /chat} runs {@link SupportService}
 * ({@code @TrackRun}), which plans ({@code @TrackAgentStep}), names the conversation ({@code @TrackLlmCall}) and asks
 * a LangChain4j AI service whose tool looks up orders in a backend ({@code @TrackToolUse}). The model calls and
 * tool executions of the AI service are recorded by the LangChain4j integration. Actuator shows the client's health
 * ({@code /actuator/health}) and its metrics ({@code /actuator/metrics/insidellm.events.sent}).
 *
 * <p>Events go to the collector named by {@code insidellm.base-url} (see {@code application.properties}). The model
 * is OpenAI's when {@code OPENAI_API_KEY} is set, otherwise a scripted OpenAI-compatible server on loopback.
 * {@code ./demo.sh} starts it, chats with it over HTTP and stops it. To run it alone against a collector on port
 * 7800: {@code ./demo.sh --run spring.SpringBootAgent}, then
 * {@code curl -H 'Content-Type: application/json' -d '{"userId":"user-9","message":"Where is my order AB-1234?"}'
 * http://127.0.0.1:8080/chat}.
 */
@SpringBootApplication
public class SpringBootAgent {

    /** Starts the application; Spring Boot arguments such as {@code --server.port=8081} apply. */
    public static void main(String[] args) {
        ConfigurableApplicationContext app = SpringApplication.run(SpringBootAgent.class, args);
        String url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        System.out.println("SpringBootAgent is listening on " + url + " and recording to "
                + app.getEnvironment().getProperty("insidellm.base-url") + ". Try:\n  curl -H 'Content-Type:"
                + " application/json' -d '{\"userId\":\"u1\",\"message\":\"Where is my order AB-1234?\"}' " + url
                + "/chat\n  curl " + url + "/actuator/health\nStop it with Ctrl-C.");
    }

    /**
     * What {@code ./demo.sh} does with this application: starts it on a free port sending to {@code collector}, posts
     * two chat messages to {@code /chat}, reads its health and a metric from Actuator, and stops it (which delivers
     * the events still queued).
     */
    public static void demo(URI collector, PrintStream out) throws IOException, InterruptedException {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SpringBootAgent.class)
                .logStartupInfo(false)
                .run("--server.port=0", "--server.address=127.0.0.1", "--insidellm.base-url=" + collector,
                        "--openai.api-key=")) {
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

    /** Where the model is: OpenAI with {@code OPENAI_API_KEY}, else a scripted server that lives as long as the app. */
    record ModelEndpoint(String baseUrl, String apiKey, ScriptedOpenAiServer scripted) implements AutoCloseable {

        @Override
        public void close() {
            if (scripted != null) {
                scripted.close();
            }
        }
    }

    @Bean
    ModelEndpoint modelEndpoint(@Value("${openai.api-key:}") String apiKey) throws IOException {
        if (!apiKey.isBlank()) {
            return new ModelEndpoint("https://api.openai.com/v1", apiKey, null);
        }
        ScriptedOpenAiServer scripted = ScriptedOpenAiServer.start();
        return new ModelEndpoint(scripted.baseUrl(), "no-key-needed", scripted);
    }

    // README: Spring LangChain4j
    @Bean
    InsideLlmLangChain4j insideLlmLangChain4j(InsideLlmClient client) {      // the starter's client
        return InsideLlmLangChain4j.create(client);
    }

    @Bean
    ChatModel chatModel(ModelEndpoint endpoint, InsideLlmLangChain4j insideLlm,
            @Value("${openai.model-name}") String modelName) {
        return OpenAiChatModel.builder()
                .baseUrl(endpoint.baseUrl()).apiKey(endpoint.apiKey()).modelName(modelName)
                .listeners(List.of(insideLlm.chatModelListener()))
                .build();
    }

    @Bean
    SupportAssistant supportAssistant(ChatModel chatModel, InsideLlmLangChain4j insideLlm, SupportTools tools) {
        return insideLlm.register(AiServices.builder(SupportAssistant.class))
                .chatModel(chatModel)
                .tools(tools)
                .chatMemoryProvider(conversationId -> MessageWindowChatMemory.withMaxMessages(20))
                .build();
    }
    // end README

    /** Publishes the client's delivery figures and GenAI token and cost meters to Micrometer (and so to Actuator). */
    @Bean
    InsideLlmMetrics insideLlmMetrics(InsideLlmClient client) {
        return InsideLlmMetrics.of(client);
    }
}
