package com.insidellm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.InsideLlmClient;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * End to end over HTTP on both sides: a real OpenAI model and AI service against a scripted OpenAI server, and a real
 * InsideLLM client delivering to a local ingestion endpoint. What arrives is the wire format of the contract.
 */
class LangChain4jIngestionIT {

    interface Assistant {
        String chat(String message);
    }

    static final class Clock {
        @Tool("The current time in a city")
        String time(String city) {
            return "12:00 in " + city;
        }
    }

    @Test
    void aiServiceConversationArrivesAtTheIngestionEndpointAsOneRun() throws Exception {
        try (MockWebServer ingestion = new MockWebServer();
                OpenAiServer openAi = new OpenAiServer(body -> OpenAiServer.hasToolResult(body)
                        ? OpenAiServer.text("chatcmpl-2", "It is noon in Paris.", OpenAiServer.usage(40, 6, 0, 0))
                        : OpenAiServer.toolCall("chatcmpl-1", "call_t", "time", "{\"city\":\"Paris\"}",
                                OpenAiServer.usage(30, 9, 0, 0)))) {
            for (int i = 0; i < 10; i++) {
                ingestion.enqueue(new MockResponse().setResponseCode(202));
            }
            ingestion.start();
            InsideLlmClient client = InsideLlmClient.builder().apiKey("test-key")
                    .baseUrl(ingestion.url("/").toString()).shutdownHook(false).build();
            try (InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.builder(client).userId("user-42").build()) {
                Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                        .chatModel(OpenAiChatModel.builder().baseUrl(openAi.baseUrl()).apiKey("sk-test")
                                .modelName("gpt-4o-mini").listeners(List.of(insideLlm.chatModelListener())).build())
                        .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                        .tools(new Clock())
                        .build();

                assertThat(assistant.chat("What time is it in Paris?")).isEqualTo("It is noon in Paris.");
                assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            } finally {
                client.close();
            }

            List<JsonNode> events = new ArrayList<>();
            for (int i = 0; i < ingestion.getRequestCount(); i++) {
                RecordedRequest request = ingestion.takeRequest();
                assertThat(request.getPath()).isEqualTo("/api/v1/ingest");
                assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-key");
                InputStream body = request.getBody().inputStream();
                JsonNode batch = new ObjectMapper().readTree("gzip".equals(request.getHeader("Content-Encoding"))
                        ? new GZIPInputStream(body) : body);
                batch.forEach(events::add);
            }
            assertThat(events).extracting(e -> e.get("event_type").asText()).containsExactly("run.start",
                    "chain.start", "user.input", "llm.request", "llm.response", "tool.call", "tool.response",
                    "llm.request", "llm.response", "agent.response", "chain.end", "run.end");
            // the run the integration threaded itself ends when the integration closes
            assertThat(events.get(11).at("/payload/exit_reason").asText()).isEqualTo("client_closed");
            String runId = events.get(0).get("run_id").asText();
            assertThat(events).allSatisfy(e -> {
                assertThat(e.get("run_id").asText()).isEqualTo(runId);
                assertThat(e.get("user_id").asText()).isEqualTo("user-42");
            });
            JsonNode toolCall = events.get(5);
            assertThat(toolCall.at("/payload/tool_name").asText()).isEqualTo("time");
            assertThat(toolCall.at("/payload/parameters/city").asText()).isEqualTo("Paris");
            assertThat(toolCall.get("parent_event_id").asText()).isEqualTo(events.get(4).get("event_id").asText());
            assertThat(events.get(6).at("/payload/response_data").asText()).isEqualTo("12:00 in Paris");
            JsonNode response = events.get(8);
            assertThat(response.at("/payload/usage/prompt_tokens").asInt()).isEqualTo(40);
            assertThat(response.at("/payload/cost").isNumber()).as("cost from the price table").isTrue();
        }
    }
}
