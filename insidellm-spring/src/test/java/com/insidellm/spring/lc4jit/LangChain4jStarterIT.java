package com.insidellm.spring.lc4jit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.InsideLlmClient;
import com.insidellm.spring.it.IngestionServer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A chat model built by LangChain4j's OpenAI Spring Boot starter, pointed at a scripted local OpenAI endpoint, records
 * its calls through the auto-configured listener.
 */
@SpringBootTest(classes = StarterModelApplication.class, properties = {
        "insidellm.api-key=it-key",
        "insidellm.default-user-id=svc-bot",
        "langchain4j.open-ai.chat-model.api-key=sk-test",
        "langchain4j.open-ai.chat-model.model-name=gpt-4o-mini",
        "langchain4j.open-ai.chat-model.temperature=0.3"
})
class LangChain4jStarterIT {

    private static final IngestionServer INGESTION = new IngestionServer();
    private static final MockWebServer OPENAI = new MockWebServer();

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) throws IOException {
        String ingestion = INGESTION.start();
        OPENAI.start();
        registry.add("insidellm.base-url", () -> ingestion);
        registry.add("langchain4j.open-ai.chat-model.base-url", () -> OPENAI.url("/v1").toString());
    }

    @AfterAll
    static void stop() throws IOException {
        INGESTION.shutdown();
        OPENAI.shutdown();
    }

    @Autowired
    ChatModel model;

    @Autowired
    StarterModelApplication.Greeter greeter;

    @Autowired
    InsideLlmClient client;

    @BeforeEach
    void reset() {
        INGESTION.events.clear();
    }

    @Test
    void aStarterBuiltModelRecordsItsCallsWithNoCode() throws Exception {
        OPENAI.enqueue(completion("Hello from the mock", 9, 4));

        assertThat(model.chat("Hello?")).isEqualTo("Hello from the mock");
        RecordedRequest call = OPENAI.takeRequest(10, TimeUnit.SECONDS);
        assertThat(call.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        JsonNode request = INGESTION.single("llm.request");
        JsonNode response = INGESTION.single("llm.response");
        assertThat(request.at("/payload/model_name").asText()).isEqualTo("gpt-4o-mini");
        assertThat(request.at("/payload/provider").asText()).isEqualTo("openai");
        assertThat(request.at("/payload/prompt").asText()).isEqualTo("Hello?");
        assertThat(request.at("/payload/parameters/temperature").asDouble()).isEqualTo(0.3);
        assertThat(request.get("user_id").asText()).isEqualTo("svc-bot");
        assertThat(response.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(response.get("run_id").asText()).isEqualTo(request.get("run_id").asText());
        assertThat(response.at("/payload/response_text").asText()).isEqualTo("Hello from the mock");
        assertThat(response.at("/payload/finish_reason").asText()).isEqualTo("stop");
        assertThat(response.at("/payload/usage/prompt_tokens").asInt()).isEqualTo(9);
        assertThat(response.at("/payload/usage/completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void modelCallsInsideAnAnnotatedMethodJoinItsRun() {
        OPENAI.enqueue(completion("Hello, Ada!", 12, 3));

        assertThat(greeter.greet("ada")).isEqualTo("Hello, Ada!");
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(INGESTION.types()).containsExactly("run.start", "llm.request", "llm.response", "run.end");
        String runId = INGESTION.single("run.start").get("run_id").asText();
        assertThat(INGESTION.events).allSatisfy(e -> {
            assertThat(e.get("run_id").asText()).isEqualTo(runId);
            assertThat(e.get("user_id").asText()).isEqualTo("ada");
            assertThat(e.at("/metadata/run_name").asText()).isEqualTo("greeting");
        });
        assertThat(INGESTION.single("llm.request").at("/payload/prompt").asText()).isEqualTo("Say hello to ada");
    }

    interface Assistant {
        String chat(String message);
    }

    @Test
    void aiServicesAreRecordedThroughTheAutoConfiguredListeners() {
        OPENAI.enqueue(completion("I am an assistant", 20, 5));
        // Built without any InsideLLM call: the AI-service listeners are installed for every AI service.
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).build();

        assertThat(assistant.chat("Who are you?")).isEqualTo("I am an assistant");
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        JsonNode chainStart = INGESTION.single("chain.start");
        JsonNode request = INGESTION.single("llm.request");
        assertThat(INGESTION.types()).contains("chain.start", "user.input", "llm.request", "llm.response",
                "agent.response", "chain.end");
        assertThat(INGESTION.events).allSatisfy(
                e -> assertThat(e.get("run_id").asText()).isEqualTo(chainStart.get("run_id").asText()));
        assertThat(request.get("parent_event_id").asText()).isEqualTo(chainStart.get("event_id").asText());
        assertThat(INGESTION.single("agent.response").at("/payload/response_text").asText())
                .isEqualTo("I am an assistant");
    }

    private static MockResponse completion(String text, int promptTokens, int completionTokens) {
        String body = """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                """.formatted(text, promptTokens, completionTokens, promptTokens + completionTokens);
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
    }
}
