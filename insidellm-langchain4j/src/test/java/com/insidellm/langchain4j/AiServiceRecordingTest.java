package com.insidellm.langchain4j;

import static com.insidellm.testing.CapturingExporter.ofType;
import static com.insidellm.testing.CapturingExporter.single;
import static com.insidellm.testing.CapturingExporter.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import com.insidellm.testing.CapturingExporter;
import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.InsideLlmTracker;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AI services with the real {@link OpenAiChatModel} against a scripted OpenAI-compatible server: the exact events of
 * an invocation, their fields and their parent links.
 */
@SuppressWarnings("unchecked")
class AiServiceRecordingTest {

    interface Assistant {
        @SystemMessage("You are a calculator.")
        String chat(String message);
    }

    interface MemoryAssistant {
        String chat(@MemoryId String conversation, @UserMessage String message);
    }

    static final class Calculator {
        @Tool("Adds two numbers")
        int add(int a, int b) {
            return a + b;
        }

        @Tool("Divides a by b")
        int divide(int a, int b) {
            return a / b;
        }
    }

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.client(exporter);
    private final InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.builder(client).userId("user-7").build();

    @AfterEach
    void close() {
        insideLlm.close();
        client.close();
    }

    private ChatModel model(OpenAiServer server) {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key").modelName("gpt-4o-mini")
                .temperature(0.2).maxRetries(0).listeners(List.of(insideLlm.chatModelListener())).build();
    }

    /** Turn 1 asks for a tool, gets the tool result and answers; turn 2 answers directly. */
    private static MockResponse calculatorScript(String body) {
        if (body.contains("And times 4?")) {
            return OpenAiServer.text("chatcmpl-3", "5 times 4 is 20.", OpenAiServer.usage(90, 8, 0, 0));
        }
        if (OpenAiServer.hasToolResult(body)) {
            return OpenAiServer.text("chatcmpl-2", "2 + 3 = 5.", OpenAiServer.usage(70, 7, 64, 0));
        }
        return OpenAiServer.toolCall("chatcmpl-1", "call_1", "add", "{\"a\":2,\"b\":3}",
                OpenAiServer.usage(50, 12, 0, 4));
    }

    @Test
    void recordsTwoTurnConversationWithToolCallAsOneRunWithParentLinks() throws Exception {
        try (OpenAiServer server = new OpenAiServer(AiServiceRecordingTest::calculatorScript)) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server))
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                    .tools(new Calculator())
                    .build();

            assertThat(assistant.chat("What is 2 + 3?")).isEqualTo("2 + 3 = 5.");
            assertThat(assistant.chat("And times 4?")).isEqualTo("5 times 4 is 20.");

            List<Event> events = exporter.events(client);
            assertThat(types(events)).containsExactly(
                    EventType.RUN_START, EventType.CHAIN_START, EventType.USER_INPUT,
                    EventType.LLM_REQUEST, EventType.LLM_RESPONSE, EventType.TOOL_CALL, EventType.TOOL_RESPONSE,
                    EventType.LLM_REQUEST, EventType.LLM_RESPONSE, EventType.AGENT_RESPONSE, EventType.CHAIN_END,
                    // Turn 2: automatic threading puts it into turn 1's run; no second run.start.
                    EventType.CHAIN_START, EventType.USER_INPUT,
                    EventType.LLM_REQUEST, EventType.LLM_RESPONSE, EventType.AGENT_RESPONSE, EventType.CHAIN_END);
            String runId = events.get(0).runId();
            assertThat(events).allSatisfy(e -> {
                assertThat(e.runId()).isEqualTo(runId);
                assertThat(e.userId()).isEqualTo("user-7");
            });
            assertThat(events.get(0).payload()).containsEntry("session_id", runId);

            Event chainStart = events.get(1);
            assertThat(chainStart.parentEventId()).isNull();
            assertThat(chainStart.payload()).containsEntry("chain_name", "Assistant.chat")
                    .containsEntry("chain_type", "langchain4j.ai_service")
                    .containsEntry("inputs", Map.of("user_message", "What is 2 + 3?",
                            "system_message", "You are a calculator.", "memory_id", "default"));
            Event userInput = events.get(2);
            assertThat(userInput.parentEventId()).isEqualTo(chainStart.eventId());
            assertThat(userInput.payload()).containsEntry("input_text", "What is 2 + 3?");

            Event request1 = events.get(3);
            assertThat(request1.parentEventId()).isEqualTo(chainStart.eventId());
            assertThat(request1.payload()).containsEntry("model_name", "gpt-4o-mini")
                    .containsEntry("provider", "openai")
                    .containsEntry("prompt", "What is 2 + 3?")
                    .containsEntry("system_message", "You are a calculator.");
            assertThat(request1.payload().get("messages")).isEqualTo(List.of(
                    Map.of("role", "system", "content", "You are a calculator."),
                    Map.of("role", "user", "content", "What is 2 + 3?")));
            assertThat((Map<String, Object>) request1.payload().get("parameters")).containsEntry("temperature", 0.2);
            List<Map<String, Object>> tools = (List<Map<String, Object>>) request1.payload().get("tools");
            assertThat(tools).extracting(t -> ((Map<String, Object>) t.get("function")).get("name"))
                    .containsExactlyInAnyOrder("add", "divide");

            Event response1 = events.get(4);
            assertThat(response1.parentEventId()).isEqualTo(request1.eventId());
            assertThat(response1.payload()).containsEntry("response_text", "")
                    .containsEntry("finish_reason", "tool_calls")
                    .containsEntry("response_id", "chatcmpl-1")
                    .containsEntry("response_model", "gpt-4o-mini-2024-07-18");
            assertThat((Map<String, Object>) response1.payload().get("usage"))
                    .containsEntry("prompt_tokens", 50).containsEntry("completion_tokens", 12)
                    .containsEntry("total_tokens", 62).containsEntry("reasoning_tokens", 4);
            assertThat((Long) response1.payload().get("response_time_ms")).isGreaterThanOrEqualTo(0L);
            Map<String, Object> message1 = (Map<String, Object>) response1.payload().get("response_message");
            assertThat(message1).containsEntry("role", "assistant").containsEntry("content", null)
                    .containsEntry("tool_calls", List.of(Map.of("id", "call_1", "type", "function",
                            "function", Map.of("name", "add", "arguments", "{\"a\":2,\"b\":3}"))));

            Event toolCall = events.get(5);
            assertThat(toolCall.parentEventId()).isEqualTo(response1.eventId());
            assertThat(toolCall.payload()).containsEntry("tool_name", "add").containsEntry("tool_type", "function")
                    .containsEntry("call_id", "call_1").containsEntry("parameters", Map.of("a", 2, "b", 3));
            Event toolResponse = events.get(6);
            assertThat(toolResponse.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(toolResponse.payload()).containsEntry("tool_name", "add").containsEntry("call_id", "call_1")
                    .containsEntry("response_data", "5").containsEntry("success", true)
                    .containsEntry("error_message", null);
            assertThat((Long) toolResponse.payload().get("execution_time_ms")).isNotNull().isGreaterThanOrEqualTo(0L);
            assertThat(toolResponse.timestamp()).isAfterOrEqualTo(toolCall.timestamp());

            Event request2 = events.get(7);
            assertThat(request2.parentEventId()).isEqualTo(chainStart.eventId());
            List<Map<String, Object>> messages2 = (List<Map<String, Object>>) request2.payload().get("messages");
            assertThat(messages2).hasSize(4);
            assertThat(messages2.get(2)).containsEntry("role", "assistant").containsKey("tool_calls");
            assertThat(messages2.get(3)).containsEntry("role", "tool").containsEntry("tool_call_id", "call_1")
                    .containsEntry("name", "add").containsEntry("content", "5");
            Event response2 = events.get(8);
            assertThat(response2.parentEventId()).isEqualTo(request2.eventId());
            assertThat(response2.payload()).containsEntry("response_text", "2 + 3 = 5.")
                    .containsEntry("finish_reason", "stop");
            assertThat((Map<String, Object>) response2.payload().get("usage")).containsEntry("cached_tokens", 64);

            Event answer = events.get(9);
            assertThat(answer.parentEventId()).isEqualTo(chainStart.eventId());
            assertThat(answer.payload()).containsEntry("response_text", "2 + 3 = 5.");
            Event chainEnd = events.get(10);
            assertThat(chainEnd.parentEventId()).isEqualTo(chainStart.eventId());
            assertThat(chainEnd.payload()).containsEntry("chain_name", "Assistant.chat").containsEntry("success", true)
                    .containsEntry("outputs", Map.of("response", "2 + 3 = 5."));

            Event chainStart2 = events.get(11);
            assertThat(chainStart2.eventId()).isNotEqualTo(chainStart.eventId());
            assertThat(events.subList(12, 17)).allSatisfy(e -> assertThat(e.parentEventId()).isIn(
                    chainStart2.eventId(), events.get(13).eventId()));
            assertThat(events.get(14).parentEventId()).isEqualTo(events.get(13).eventId());
            assertThat((List<?>) events.get(13).payload().get("messages")).hasSize(6);
            assertThat(events.get(15).payload()).containsEntry("response_text", "5 times 4 is 20.");

            // On the wire: every event serialised, in the shape of the ingestion contract.
            List<JsonNode> wire = exporter.json(client);
            assertThat(wire).hasSize(events.size());
            JsonNode wireRequest = wire.get(7);
            assertThat(wireRequest.get("event_type").asText()).isEqualTo("llm.request");
            assertThat(wireRequest.get("parent_event_id").asText()).isEqualTo(chainStart.eventId());
            assertThat(wireRequest.at("/payload/messages/3/tool_call_id").asText()).isEqualTo("call_1");
            assertThat(wireRequest.at("/payload/tools/0/function/parameters/type").asText()).isEqualTo("object");
            assertThat(wire.get(4).at("/payload/usage/total_tokens").asInt()).isEqualTo(62);
        }
    }

    @Test
    void recordsFailedToolAsUnsuccessfulToolResponse() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.hasToolResult(body)
                ? OpenAiServer.text("chatcmpl-2", "Cannot divide by zero.", null)
                : OpenAiServer.toolCall("chatcmpl-1", "call_9", "divide", "{\"a\":1,\"b\":0}", null))) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server)).tools(new Calculator()).build();

            assertThat(assistant.chat("1 / 0?")).isEqualTo("Cannot divide by zero.");

            List<Event> events = exporter.events(client);
            Event toolCall = single(events, EventType.TOOL_CALL);
            Event toolResponse = single(events, EventType.TOOL_RESPONSE);
            assertThat(toolResponse.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(toolResponse.payload()).containsEntry("success", false).containsEntry("call_id", "call_9");
            assertThat((String) toolResponse.payload().get("error_message")).contains("by zero");
            // No usage in the answers: recorded as far as it goes.
            assertThat(ofType(events, EventType.LLM_RESPONSE)).allSatisfy(
                    e -> assertThat(e.payload()).containsEntry("usage", null));
        }
    }

    @Test
    void concurrentToolExecutionsEachGetTheirOwnTimingAndTheRequestingResponseAsParent() throws Exception {
        Map<String, Object> twoCalls = new java.util.LinkedHashMap<>();
        twoCalls.put("role", "assistant");
        twoCalls.put("content", null);
        twoCalls.put("tool_calls", List.of(
                Map.of("id", "call_a", "type", "function",
                        "function", Map.of("name", "add", "arguments", "{\"a\":1,\"b\":2}")),
                Map.of("id", "call_b", "type", "function",
                        "function", Map.of("name", "add", "arguments", "{\"a\":3,\"b\":4}"))));
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.hasToolResult(body)
                ? OpenAiServer.text("chatcmpl-2", "3 and 7.", null)
                : OpenAiServer.completion("chatcmpl-1", twoCalls, "tool_calls", null))) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server)).tools(new Calculator()).executeToolsConcurrently().build();

            assertThat(assistant.chat("1+2 and 3+4?")).isEqualTo("3 and 7.");

            List<Event> events = exporter.events(client);
            Event requestingResponse = ofType(events, EventType.LLM_RESPONSE).get(0);
            List<Event> calls = ofType(events, EventType.TOOL_CALL);
            List<Event> responses = ofType(events, EventType.TOOL_RESPONSE);
            assertThat(calls).extracting(e -> e.payload().get("call_id"))
                    .containsExactlyInAnyOrder("call_a", "call_b");
            assertThat(calls).allSatisfy(e -> assertThat(e.parentEventId()).isEqualTo(requestingResponse.eventId()));
            assertThat(responses).hasSize(2).allSatisfy(r -> {
                Event call = calls.stream().filter(c -> c.eventId().equals(r.parentEventId())).findFirst()
                        .orElseThrow();
                assertThat(r.payload().get("call_id")).isEqualTo(call.payload().get("call_id"));
                if (concurrentToolsRunHooks()) {
                    assertThat(r.payload().get("execution_time_ms")).isNotNull();
                }
                assertThat(r.payload()).containsEntry("response_data",
                        "call_a".equals(call.payload().get("call_id")) ? "3" : "7");
            });
        }
    }

    /**
     * LangChain4j 1.11 skips the before/after tool hooks for concurrently executed tools (1.19 runs them); the
     * 1.19 {@code ToolExecution} with start and finish times tells the two apart.
     */
    private static boolean concurrentToolsRunHooks() {
        return java.util.Arrays.stream(dev.langchain4j.service.tool.ToolExecution.class.getMethods())
                .anyMatch(m -> m.getName().equals("startTime"));
    }

    @Test
    void upstreamServerErrorGivesOneErrorEventAndFailedChainEnd() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> new MockResponse().setResponseCode(500)
                .setHeader("Content-Type", "application/json")
                .setBody("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"))) {
            ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key")
                    .modelName("gpt-4o-mini").maxRetries(2).listeners(List.of(insideLlm.chatModelListener()))
                    .build();
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class)).chatModel(model).build();

            assertThatThrownBy(() -> assistant.chat("Hello")).isInstanceOf(RuntimeException.class);

            assertThat(server.requestBodies()).as("LangChain4j retried").hasSize(3);
            List<Event> events = exporter.events(client);
            assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.CHAIN_START,
                    EventType.USER_INPUT, EventType.LLM_REQUEST, EventType.ERROR, EventType.CHAIN_END);
            Event request = events.get(3);
            Event error = events.get(4);
            assertThat(error.parentEventId()).isEqualTo(request.eventId());
            assertThat(error.payload()).containsEntry("error_code", "500").containsEntry("severity", "error");
            assertThat((String) error.payload().get("error_type")).startsWith("dev.langchain4j.");
            assertThat((String) error.payload().get("error_message")).contains("The server had an error");
            assertThat((Map<String, Object>) error.payload().get("context"))
                    .containsEntry("status_code", 500).containsEntry("request_event_id", request.eventId());
            assertThat(events.get(5).payload()).containsEntry("success", false);
            assertThat((String) events.get(5).payload().get("error_message")).contains("The server had an error");
        }
    }

    @Test
    void retrieverInRagServiceIsRecordedInsideTheInvocation() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Paris.", null))) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server))
                    .contentRetriever(insideLlm.contentRetriever(
                            query -> List.of(Content.from("Paris is the capital of France.")), "capitals"))
                    .build();

            assertThat(assistant.chat("What is the capital of France?")).isEqualTo("Paris.");

            List<Event> events = exporter.events(client);
            assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.CHAIN_START,
                    EventType.USER_INPUT, EventType.RETRIEVAL_START, EventType.RETRIEVAL_END, EventType.LLM_REQUEST,
                    EventType.LLM_RESPONSE, EventType.AGENT_RESPONSE, EventType.CHAIN_END);
            Event chainStart = events.get(1);
            Event start = events.get(3);
            Event end = events.get(4);
            assertThat(start.parentEventId()).isEqualTo(chainStart.eventId());
            assertThat(start.payload()).containsEntry("query", "What is the capital of France?")
                    .containsEntry("retriever_name", "capitals");
            assertThat(end.parentEventId()).isEqualTo(start.eventId());
            assertThat(end.payload()).containsEntry("query", "What is the capital of France?");
            List<Map<String, Object>> documents = (List<Map<String, Object>>) end.payload().get("documents");
            assertThat(documents).singleElement().satisfies(d -> assertThat(d)
                    .containsEntry("content", "Paris is the capital of France."));
            // The augmented prompt went to the model; the user input stays what the user typed.
            assertThat((String) events.get(5).payload().get("prompt")).contains("Paris is the capital of France.");
            assertThat(events.get(2).payload()).containsEntry("input_text", "What is the capital of France?");
        }
    }

    @Test
    void chatMemoryIdIsTheConversation() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Hi.", null))) {
            MemoryAssistant assistant = insideLlm.register(AiServices.builder(MemoryAssistant.class))
                    .chatModel(model(server))
                    .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
                    .build();

            assistant.chat("alice", "Hello");
            assistant.chat("bob", "Hello");
            assistant.chat("alice", "Hello again");

            List<Event> chains = ofType(exporter.events(client), EventType.CHAIN_START);
            assertThat(chains).hasSize(3);
            assertThat(chains.get(0).runId()).isEqualTo(chains.get(2).runId()).isNotEqualTo(chains.get(1).runId());
            assertThat(ofType(exporter.events(client), EventType.RUN_START)).hasSize(2);
        }
    }

    @Test
    void modelCallsInsideATrackerStepJoinTheTrackersRunUnderTheStep() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Hi.",
                OpenAiServer.usage(1_000_000, 1_000_000, 0, 0)))) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server)).build();
            String runId;
            try (InsideLlmTracker tracker = client.tracker("tracked-user")) {
                runId = tracker.runId();
                tracker.trackAgentStep("answer", () -> assistant.chat("Hello"));
            }

            List<Event> events = exporter.events(client);
            assertThat(events).allSatisfy(e -> assertThat(e.runId()).isEqualTo(runId));
            Event chainStart = single(events, EventType.CHAIN_START);
            assertThat(chainStart.userId()).isEqualTo("tracked-user");
            assertThat(chainStart.parentEventId()).as("the tracker's step event").isNotNull()
                    .isIn(events.stream().map(Event::eventId).toList());
            assertThat(single(events, EventType.LLM_REQUEST).parentEventId()).isEqualTo(chainStart.eventId());
            // Cost comes from the core price table: gpt-4o-mini, 1M input and 1M output tokens.
            assertThat((Double) single(events, EventType.LLM_RESPONSE).payload().get("cost")).isCloseTo(0.75,
                    org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void recordAllAiServicesReachesServicesBuiltWithoutRegisterAndNeverRecordsTwice() throws Exception {
        try (OpenAiServer server = new OpenAiServer(AiServiceRecordingTest::calculatorScript)) {
            insideLlm.recordAllAiServices();
            try {
                // As the LangChain4j Spring Boot starter builds @AiService beans: no listeners, no hooks.
                Assistant plain = AiServices.builder(Assistant.class).chatModel(model(server))
                        .tools(new Calculator()).build();
                Assistant registered = insideLlm.register(AiServices.builder(Assistant.class))
                        .chatModel(model(server)).build();

                assertThat(plain.chat("What is 2 + 3?")).isEqualTo("2 + 3 = 5.");
                registered.chat("And times 4?");
            } finally {
                insideLlm.close();
            }
            AiServices.builder(Assistant.class).chatModel(model(server)).build().chat("And times 4?");

            List<Event> events = exporter.events(client);
            assertThat(ofType(events, EventType.CHAIN_START)).hasSize(2);
            assertThat(ofType(events, EventType.CHAIN_END)).hasSize(2);
            Event toolResponse = single(events, EventType.TOOL_RESPONSE);
            assertThat(toolResponse.payload()).containsEntry("response_data", "5")
                    .containsEntry("execution_time_ms", null);
            assertThat(toolResponse.parentEventId()).isEqualTo(single(events, EventType.TOOL_CALL).eventId());
        }
    }

    @Test
    void activeInsideLlmContextOwnsTheRunAndParent() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Hi.", null))) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server)).build();
            String runId = UUID.randomUUID().toString();
            String parentId = UUID.randomUUID().toString();

            try (InsideLlmContext.Scope ignored = InsideLlmContext.of(runId, "tracked-user").withParent(parentId)
                    .makeCurrent()) {
                assistant.chat("Hello");
            }

            List<Event> events = exporter.events(client);
            assertThat(types(events)).containsExactly(EventType.CHAIN_START, EventType.USER_INPUT,
                    EventType.LLM_REQUEST, EventType.LLM_RESPONSE, EventType.AGENT_RESPONSE, EventType.CHAIN_END);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.runId()).isEqualTo(runId);
                assertThat(e.userId()).isEqualTo("tracked-user");
            });
            assertThat(events.get(0).parentEventId()).isEqualTo(parentId);
            assertThat(events.get(2).parentEventId()).isEqualTo(events.get(0).eventId());
        }
    }
}
