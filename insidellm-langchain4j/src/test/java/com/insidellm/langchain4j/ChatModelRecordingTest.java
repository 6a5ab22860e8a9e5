package com.insidellm.langchain4j;

import static com.insidellm.testing.CapturingExporter.ofType;
import static com.insidellm.testing.CapturingExporter.single;
import static com.insidellm.testing.CapturingExporter.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.insidellm.testing.CapturingExporter;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain chat models, synchronous and streaming, with the real OpenAI models against a scripted local server. */
@SuppressWarnings("unchecked")
class ChatModelRecordingTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.client(exporter);

    @AfterEach
    void close() {
        client.close();
    }

    private static ChatModel model(OpenAiServer server, ChatModelListener listener) {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key").modelName("gpt-4o-mini")
                .maxRetries(0).listeners(List.of(listener)).build();
    }

    private static StreamingChatModel streamingModel(OpenAiServer server, ChatModelListener listener) {
        return OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key")
                .modelName("gpt-4o-mini").listeners(List.of(listener)).build();
    }

    private static final List<String> PIECES = List.of("The ", "answer ", "is ", "42.");

    @Test
    void secondTurnLandsInTheFirstTurnsRunWithoutAnyId() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1",
                body.contains("Second question") ? "Second answer." : "First answer.", null))) {
            ChatModel model = model(server, InsideLlmChatModelListener.create(client));
            SystemMessage system = SystemMessage.from("Be brief.");
            UserMessage first = UserMessage.from("First question");

            AiMessage firstAnswer = model.chat(system, first).aiMessage();
            // The application keeps the history itself and sends it again, with extra whitespace even.
            model.chat(system, UserMessage.from("First   question "), firstAnswer,
                    UserMessage.from("Second question"));
            // Same opening, new conversation: a new run.
            model.chat(system, first);

            List<Event> requests = ofType(exporter.events(client), EventType.LLM_REQUEST);
            assertThat(requests).hasSize(3);
            assertThat(requests.get(1).runId()).isEqualTo(requests.get(0).runId());
            assertThat(requests.get(2).runId()).isNotEqualTo(requests.get(0).runId());
            assertThat(ofType(exporter.events(client), EventType.RUN_START)).extracting(Event::runId)
                    .containsExactly(requests.get(0).runId(), requests.get(2).runId());
            assertThat(requests).allSatisfy(r -> assertThat(r.userId()).isEqualTo("anonymous"));
        }
    }

    @Test
    void aTurnInsideAnExplicitRunIsRememberedForTheNextTurnWithoutOne() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Answer.", null))) {
            ChatModel model = model(server, InsideLlmChatModelListener.create(client));
            UserMessage first = UserMessage.from("Question one");
            String runId = "11111111-2222-4333-8444-555555555555";

            // The explicit run decides the first turn (no threading look-up), and its conversation is still remembered.
            try (InsideLlmContext.Scope ignored = InsideLlmContext.of(runId, "tracked-user").makeCurrent()) {
                model.chat(first);
            }
            model.chat(first, AiMessage.from("Answer."), UserMessage.from("Question two"));

            List<Event> requests = ofType(exporter.events(client), EventType.LLM_REQUEST);
            assertThat(requests).extracting(Event::runId).containsExactly(runId, runId);
            assertThat(ofType(exporter.events(client), EventType.RUN_START)).isEmpty();
        }
    }

    @Test
    void threadingSurvivesARestartWithAThreadingFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("threads.tsv");
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Answer.", null))) {
            UserMessage first = UserMessage.from("Question one");
            try (InsideLlmLangChain4j before = InsideLlmLangChain4j.builder(client).threadingFile(file).build()) {
                model(server, before.chatModelListener()).chat(first);
            }
            assertThat(Files.readString(file)).doesNotContain("Question one");
            try (InsideLlmLangChain4j after = InsideLlmLangChain4j.builder(client).threadingFile(file).build()) {
                model(server, after.chatModelListener()).chat(first, AiMessage.from("Answer."),
                        UserMessage.from("Question two"));
            }

            List<Event> requests = ofType(exporter.events(client), EventType.LLM_REQUEST);
            assertThat(requests).hasSize(2);
            assertThat(requests.get(1).runId()).isEqualTo(requests.get(0).runId());
        }
    }

    @Test
    void upstreamServerErrorAfterRetriesIsOneErrorEventLinkedToItsRequest() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> new okhttp3.mockwebserver.MockResponse()
                .setResponseCode(500).setBody("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"))) {
            ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key")
                    .modelName("gpt-4o-mini").maxRetries(2)
                    .listeners(List.of(InsideLlmChatModelListener.create(client))).build();

            assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(RuntimeException.class);

            assertThat(server.requestBodies()).hasSize(3);
            List<Event> events = exporter.events(client);
            assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.LLM_REQUEST, EventType.ERROR);
            Event error = events.get(2);
            assertThat(error.parentEventId()).isEqualTo(events.get(1).eventId());
            assertThat(error.runId()).isEqualTo(events.get(1).runId());
            assertThat(error.payload()).containsEntry("error_code", "500")
                    .containsEntry("error_type", "dev.langchain4j.exception.InternalServerException");
        }
    }

    @Test
    void streamingResponseHasTimeToFirstTokenAndUsageFromTheUsageChunk() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.stream("chatcmpl-s1", PIECES,
                OpenAiServer.usage(20, 4, 16, 0)).throttleBody(16, 5, TimeUnit.MILLISECONDS))) {
            StreamingChatModel model = InsideLlmStreamingChatModel.wrap(
                    streamingModel(server, InsideLlmChatModelListener.create(client)));
            List<String> partials = new ArrayList<>();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();

            model.chat("What is the answer?", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                    partials.add(partialResponse);
                }

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    done.complete(completeResponse);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });

            assertThat(done.get(10, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("The answer is 42.");
            assertThat(partials).containsExactlyElementsOf(PIECES);
            List<Event> events = exporter.events(client);
            assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.LLM_REQUEST,
                    EventType.LLM_RESPONSE);
            Event request = events.get(1);
            Event response = events.get(2);
            assertThat(request.payload()).containsEntry("stream", true);
            assertThat(response.parentEventId()).isEqualTo(request.eventId());
            assertThat(response.payload()).containsEntry("response_text", "The answer is 42.")
                    .containsEntry("finish_reason", "stop").containsEntry("response_id", "chatcmpl-s1");
            assertThat((Map<String, Object>) response.payload().get("usage")).containsEntry("prompt_tokens", 20)
                    .containsEntry("completion_tokens", 4).containsEntry("cached_tokens", 16);
            Long ttft = (Long) response.payload().get("time_to_first_token_ms");
            assertThat(ttft).isNotNull().isBetween(0L, (Long) response.payload().get("response_time_ms"));
        }
    }

    @Test
    void streamingChunksAreRecordedWhenEnabledUpToTheCap() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.stream("chatcmpl-s2", PIECES,
                OpenAiServer.usage(20, 4, 0, 0)));
                InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.builder(client).streamingChunks(true)
                        .maxStreamingChunks(3).build()) {
            StreamingChatModel model = insideLlm.streaming(streamingModel(server, insideLlm.chatModelListener()));
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();

            model.chat("What is the answer?", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                }

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    done.complete(completeResponse);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            done.get(10, TimeUnit.SECONDS);

            List<Event> events = exporter.events(client);
            Event request = single(events, EventType.LLM_REQUEST);
            List<Event> chunks = ofType(events, EventType.LLM_STREAMING_CHUNK);
            assertThat(chunks).extracting(c -> c.payload().get("chunk_text")).containsExactly("The ", "answer ", "is ");
            assertThat(chunks).extracting(c -> c.payload().get("chunk_index")).containsExactly(0, 1, 2);
            assertThat(chunks).allSatisfy(c -> {
                assertThat(c.parentEventId()).isEqualTo(request.eventId());
                assertThat(c.payload()).containsEntry("model_name", "gpt-4o-mini").containsEntry("provider", "openai");
            });
        }
    }

    @Test
    void streamingAiServiceRecordsTheInvocationWithTimeToFirstToken() throws Exception {
        interface StreamingAssistant {
            TokenStream chat(String message);
        }
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.stream("chatcmpl-s3", PIECES,
                OpenAiServer.usage(20, 4, 0, 0)));
                InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.create(client)) {
            StreamingAssistant assistant = insideLlm.register(AiServices.builder(StreamingAssistant.class))
                    .streamingChatModel(insideLlm.streaming(streamingModel(server, insideLlm.chatModelListener())))
                    .build();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();

            assistant.chat("What is the answer?").onPartialResponse(p -> { })
                    .onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
            done.get(10, TimeUnit.SECONDS);

            List<Event> events = org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> exporter.events(client), e -> types(e).contains(EventType.CHAIN_END));
            assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.CHAIN_START,
                    EventType.USER_INPUT, EventType.LLM_REQUEST, EventType.LLM_RESPONSE, EventType.AGENT_RESPONSE,
                    EventType.CHAIN_END);
            assertThat(events.get(3).parentEventId()).isEqualTo(events.get(1).eventId());
            assertThat(events.get(4).payload()).containsKey("time_to_first_token_ms");
            assertThat(events.get(5).payload()).containsEntry("response_text", "The answer is 42.");
        }
    }

    @Test
    void multimodalMessageToolOnlyAnswerMissingUsageAndUnknownProviderAreRecordedAsFarAsTheyGo() {
        ChatModelListener listener = InsideLlmChatModelListener.create(client);
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from(List.of(
                        dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("t1").name("lookup")
                                .arguments("{}").build()))).build();
            }

            @Override
            public List<ChatModelListener> listeners() {
                return List.of(listener);
            }
        };

        model.chat(UserMessage.from(TextContent.from("What is in this picture?"),
                ImageContent.from("https://example.com/cat.png")));

        List<Event> events = exporter.events(client);
        Event request = single(events, EventType.LLM_REQUEST);
        assertThat(request.payload()).containsEntry("provider", "other").containsEntry("model_name", "unknown")
                .containsEntry("prompt", "What is in this picture?");
        List<Map<String, Object>> messages = (List<Map<String, Object>>) request.payload().get("messages");
        assertThat(messages.get(0).get("content")).isEqualTo(List.of(
                Map.of("type", "text", "text", "What is in this picture?"),
                Map.of("type", "image_url", "image_url", Map.of("url", "https://example.com/cat.png"))));
        Event response = single(events, EventType.LLM_RESPONSE);
        assertThat(response.payload()).containsEntry("response_text", "").containsEntry("usage", null)
                .containsEntry("finish_reason", null);
        assertThat((List<?>) ((Map<String, Object>) response.payload().get("response_message")).get("tool_calls"))
                .hasSize(1);
    }

    @Test
    void listenerNeverThrowsIntoLangChain4j() {
        InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.builder(client).userId(() -> {
            throw new IllegalStateException("no user");
        }).build();
        ChatModelListener listener = insideLlm.chatModelListener();
        ChatRequest request = ChatRequest.builder().messages(List.<ChatMessage>of(UserMessage.from("Hi"))).build();
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        // A response whose request was never seen, and garbage in the attributes.
        attributes.put(Recorder.CALL_ATTRIBUTE, "not a call");
        listener.onResponse(new ChatModelResponseContext(ChatResponse.builder().aiMessage(AiMessage.from("x")).build(),
                request, null, attributes));
        listener.onRequest(new dev.langchain4j.model.chat.listener.ChatModelRequestContext(request, null,
                new ConcurrentHashMap<>()));

        Event recorded = single(exporter.events(client), EventType.LLM_REQUEST);
        assertThat(recorded.userId()).isEqualTo("anonymous");
        assertThat(recorded.payload()).containsEntry("provider", "unknown");
    }
}
