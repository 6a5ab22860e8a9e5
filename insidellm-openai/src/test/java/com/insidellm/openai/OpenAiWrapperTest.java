package com.insidellm.openai;

import com.insidellm.testing.CapturingExporter;
import com.insidellm.testing.ThrowingClient;
import static com.insidellm.testing.CapturingExporter.ofType;
import static com.insidellm.testing.CapturingExporter.single;
import static com.insidellm.testing.CapturingExporter.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmTracker;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.JsonValue;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real OpenAI client, wrapped and unwrapped, against a local server speaking the OpenAI wire format. */
@SuppressWarnings("unchecked")
class OpenAiWrapperTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient insideLlm = CapturingExporter.client(exporter);
    private final MockWebServer server = new MockWebServer();
    private OpenAIClient raw;
    private OpenAIClient wrapped;

    @BeforeEach
    void start() throws Exception {
        server.start();
        raw = OpenAIOkHttpClient.builder().baseUrl(server.url("/v1").toString()).apiKey("test-key").maxRetries(0)
                .build();
        wrapped = InsideLlmOpenAI.wrap(raw, insideLlm);
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        insideLlm.close();
        server.shutdown();
    }

    private static final FunctionDefinition WEATHER = FunctionDefinition.builder().name("get_weather")
            .description("The weather in a city").parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();

    private static ChatCompletionCreateParams weatherQuestion() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addSystemMessage("Be brief.")
                .addUserMessage("Weather in Paris?").temperature(0.2).maxCompletionTokens(100L)
                .addFunctionTool(WEATHER).build();
    }

    private JsonNode body(RecordedRequest request) throws Exception {
        return new ObjectMapper().readTree(request.getBody().readUtf8());
    }

    @Test
    void chatCompletionIsRecordedWithMessagesToolsParametersToolCallsUsageAndCost() throws Exception {
        server.enqueue(OpenAiWire.chatToolCall());

        ChatCompletion completion = wrapped.chat().completions().create(weatherQuestion());

        assertThat(completion.choices().get(0).message().toolCalls().orElseThrow()).hasSize(1);
        List<Event> events = exporter.events(insideLlm);
        assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.LLM_REQUEST, EventType.LLM_RESPONSE);
        Event request = single(events, EventType.LLM_REQUEST);
        Event response = single(events, EventType.LLM_RESPONSE);
        assertThat(events).extracting(Event::runId).containsOnly(request.runId());
        assertThat(request.parentEventId()).isNull();
        assertThat(response.parentEventId()).isEqualTo(request.eventId());

        Map<String, Object> sent = request.payload();
        assertThat(sent).containsEntry("model_name", "gpt-4o-mini").containsEntry("provider", "openai")
                .containsEntry("prompt", "Weather in Paris?").containsEntry("system_message", "Be brief.")
                .containsEntry("call_type", "chat");
        assertThat((List<Map<String, Object>>) sent.get("messages")).containsExactly(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather in Paris?"));
        assertThat((Map<String, Object>) sent.get("parameters")).containsEntry("temperature", 0.2)
                .containsEntry("max_tokens", 100L);
        Map<String, Object> tool = ((List<Map<String, Object>>) sent.get("tools")).get(0);
        assertThat(tool).containsEntry("type", "function");
        assertThat((Map<String, Object>) tool.get("function")).containsEntry("name", "get_weather")
                .containsEntry("description", "The weather in a city")
                .containsEntry("parameters", Map.of("type", "object", "properties",
                        Map.of("city", Map.of("type", "string"))));

        Map<String, Object> answer = response.payload();
        assertThat(answer).containsEntry("model_name", "gpt-4o-mini").containsEntry("finish_reason", "tool_calls")
                .containsEntry("response_id", "chatcmpl-2").containsEntry("response_model", "gpt-4o-mini-2024-07-18")
                .containsEntry("response_text", "");
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 12)
                .containsEntry("completion_tokens", 3).containsEntry("total_tokens", 15)
                .containsEntry("cached_tokens", 4).containsEntry("reasoning_tokens", 1);
        // gpt-4o-mini: 8 uncached input tokens at $0.15, 4 cached at $0.075 and 3 output at $0.60 per million.
        assertThat((Double) answer.get("cost")).isCloseTo((8 * 0.15 + 4 * 0.075 + 3 * 0.60) / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat((Long) answer.get("response_time_ms")).isNotNegative();
        Map<String, Object> message = (Map<String, Object>) answer.get("response_message");
        assertThat(message).containsEntry("role", "assistant");
        assertThat((List<Map<String, Object>>) message.get("tool_calls")).containsExactly(Map.of("id", "call_1",
                "type", "function", "function", Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")));
    }

    @Test
    void theNextTurnOfAConversationLandsInTheFirstTurnsRunWithoutAnyId() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(OpenAiWire.chatText("Sunny."));
        }

        ChatCompletion first = wrapped.chat().completions().create(weatherQuestion());
        // The application keeps the history itself and sends it again with the next question.
        wrapped.chat().completions().create(weatherQuestion().toBuilder()
                .addMessage(first.choices().get(0).message()).addUserMessage("And tomorrow?").build());
        // Same opening, new conversation: a new run.
        wrapped.chat().completions().create(weatherQuestion());

        List<Event> events = exporter.events(insideLlm);
        List<Event> requests = ofType(events, EventType.LLM_REQUEST);
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).runId()).isEqualTo(requests.get(0).runId());
        assertThat(requests.get(2).runId()).isNotEqualTo(requests.get(0).runId());
        assertThat(ofType(events, EventType.RUN_START)).extracting(Event::runId)
                .containsExactly(requests.get(0).runId(), requests.get(2).runId());
        assertThat(ofType(events, EventType.RUN_START).get(0).payload()).containsEntry("session_type", "openai");
        assertThat(requests).allSatisfy(r -> assertThat(r.userId()).isEqualTo("anonymous"));
    }

    @Test
    void wrappedClientSendsTheSameRequestAndReturnsTheSameResultAsTheUnwrappedOne() throws Exception {
        server.enqueue(OpenAiWire.chatText("Sunny."));
        server.enqueue(OpenAiWire.chatText("Sunny."));

        ChatCompletion direct = raw.chat().completions().create(weatherQuestion());
        ChatCompletion recorded = wrapped.chat().completions().create(weatherQuestion());

        assertThat(recorded).isEqualTo(direct);
        assertThat(body(server.takeRequest())).isEqualTo(body(server.takeRequest()));
    }

    @Test
    void streamedChatGivesTheSameChunksAndRecordsTimeToFirstTokenAssembledToolCallsAndUsage() throws Exception {
        ChatCompletionCreateParams params = weatherQuestion().toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        server.enqueue(OpenAiWire.chatStream());
        server.enqueue(OpenAiWire.chatStream());

        List<ChatCompletionChunk> direct;
        try (StreamResponse<ChatCompletionChunk> stream = raw.chat().completions().createStreaming(params)) {
            direct = stream.stream().collect(Collectors.toList());
        }
        List<ChatCompletionChunk> recorded;
        try (StreamResponse<ChatCompletionChunk> stream = wrapped.chat().completions().createStreaming(params)) {
            recorded = stream.stream().collect(Collectors.toList());
        }

        assertThat(recorded).isEqualTo(direct).hasSize(8);
        List<Event> events = exporter.events(insideLlm);
        Event request = single(events, EventType.LLM_REQUEST);
        Event response = single(events, EventType.LLM_RESPONSE);
        assertThat(request.payload()).containsEntry("stream", true);
        assertThat(response.parentEventId()).isEqualTo(request.eventId());
        Map<String, Object> answer = response.payload();
        assertThat(answer).containsEntry("response_text", "Let me check.").containsEntry("finish_reason",
                "tool_calls").containsEntry("response_id", "chatcmpl-3");
        assertThat((Long) answer.get("time_to_first_token_ms")).isNotNull().isNotNegative()
                .isLessThanOrEqualTo((Long) answer.get("response_time_ms"));
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 12)
                .containsEntry("cached_tokens", 4).containsEntry("reasoning_tokens", 1);
        assertThat(answer.get("cost")).isNotNull();
        Map<String, Object> message = (Map<String, Object>) answer.get("response_message");
        assertThat((List<Map<String, Object>>) message.get("tool_calls")).containsExactly(Map.of("id", "call_9",
                "type", "function", "function", Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")));
    }

    @Test
    void aStreamClosedEarlyIsRecordedWithWhatArrived() throws Exception {
        server.enqueue(OpenAiWire.chatStream());

        try (StreamResponse<ChatCompletionChunk> stream =
                wrapped.chat().completions().createStreaming(weatherQuestion())) {
            assertThat(stream.stream().limit(3).count()).isEqualTo(3);
        }

        Event response = single(exporter.events(insideLlm), EventType.LLM_RESPONSE);
        assertThat(response.payload()).containsEntry("response_text", "Let me check.")
                .containsEntry("finish_reason", null);
    }

    @Test
    void anHttpErrorReachesTheApplicationUnchangedAndIsRecordedWithItsStatus() throws Exception {
        server.enqueue(OpenAiWire.error(429, "requests", "rate_limit_exceeded", "Rate limit reached"));
        server.enqueue(OpenAiWire.error(429, "requests", "rate_limit_exceeded", "Rate limit reached"));

        Throwable direct = catchThrowable(() -> raw.chat().completions().create(weatherQuestion()));
        Throwable recorded = catchThrowable(() -> wrapped.chat().completions().create(weatherQuestion()));

        assertThat(recorded).isInstanceOf(RateLimitException.class).hasMessage(direct.getMessage());
        assertThat(((RateLimitException) recorded).statusCode()).isEqualTo(429);
        List<Event> events = exporter.events(insideLlm);
        Event request = single(events, EventType.LLM_REQUEST);
        Event error = single(events, EventType.ERROR);
        assertThat(error.parentEventId()).isEqualTo(request.eventId());
        assertThat(error.runId()).isEqualTo(request.runId());
        assertThat(error.payload()).containsEntry("error_code", "429")
                .containsEntry("error_type", RateLimitException.class.getName())
                .containsEntry("error_message", recorded.getMessage());
        assertThat((String) error.payload().get("stack_trace")).contains("RateLimitException");
        assertThat((Map<String, Object>) error.payload().get("context")).containsEntry("status_code", 429)
                .containsEntry("model_name", "gpt-4o-mini").containsEntry("provider", "openai")
                .containsEntry("exception_class", RateLimitException.class.getName());
        assertThat(ofType(events, EventType.LLM_RESPONSE)).isEmpty();
    }

    @Test
    void aStreamThatFailsToOpenReachesTheApplicationUnchangedAndIsRecordedWithItsStatus() throws Exception {
        server.enqueue(OpenAiWire.error(500, "server_error", "server_error", "The server had an error"));
        server.enqueue(OpenAiWire.error(500, "server_error", "server_error", "The server had an error"));

        Throwable direct = catchThrowable(() -> raw.chat().completions().createStreaming(weatherQuestion())
                .stream().count());
        Throwable recorded = catchThrowable(() -> wrapped.chat().completions().createStreaming(weatherQuestion())
                .stream().count());

        assertThat(recorded).isNotNull().hasSameClassAs(direct).hasMessage(direct.getMessage());
        List<Event> events = exporter.events(insideLlm);
        Event error = single(events, EventType.ERROR);
        assertThat(error.parentEventId()).isEqualTo(single(events, EventType.LLM_REQUEST).eventId());
        assertThat(error.payload()).containsEntry("error_code", "500");
        assertThat(ofType(events, EventType.LLM_RESPONSE)).isEmpty();
    }

    @Test
    void responsesApiIsRecordedInTheChatFormatWithInstructionsFunctionCallsAndUsage() throws Exception {
        server.enqueue(OpenAiWire.json(OpenAiWire.response("completed", OpenAiWire.FUNCTION_OUTPUT)));
        ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o-mini")
                .instructions("Be brief.").input("Weather in Paris?").temperature(0.2).maxOutputTokens(50L)
                .addTool(com.openai.models.responses.FunctionTool.builder().name("get_weather")
                        .parameters(com.openai.models.responses.FunctionTool.Parameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object")).build())
                        .strict(false).build())
                .build();

        Response response = wrapped.responses().create(params);

        assertThat(response.output()).hasSize(1);
        List<Event> events = exporter.events(insideLlm);
        Map<String, Object> sent = single(events, EventType.LLM_REQUEST).payload();
        assertThat(sent).containsEntry("call_type", "responses").containsEntry("prompt", "Weather in Paris?")
                .containsEntry("system_message", "Be brief.").containsEntry("model_name", "gpt-4o-mini");
        assertThat((List<Map<String, Object>>) sent.get("messages")).containsExactly(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather in Paris?"));
        Map<String, Object> tool = ((List<Map<String, Object>>) sent.get("tools")).get(0);
        assertThat((Map<String, Object>) tool.get("function")).containsEntry("name", "get_weather");
        Map<String, Object> answer = single(events, EventType.LLM_RESPONSE).payload();
        assertThat(answer).containsEntry("finish_reason", "tool_calls").containsEntry("response_id", "resp_1");
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 20)
                .containsEntry("completion_tokens", 6).containsEntry("cached_tokens", 8)
                .containsEntry("reasoning_tokens", 2);
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) answer.get("response_message"))
                .get("tool_calls")).containsExactly(Map.of("id", "call_7", "type", "function", "function",
                        Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")));
    }

    @Test
    void streamedResponsesGiveTheSameEventsAndRecordTheCompletedResponse() throws Exception {
        ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o-mini")
                .input("Weather in Paris?").build();
        server.enqueue(OpenAiWire.responseStream());
        server.enqueue(OpenAiWire.responseStream());

        List<ResponseStreamEvent> direct;
        try (StreamResponse<ResponseStreamEvent> stream = raw.responses().createStreaming(params)) {
            direct = stream.stream().collect(Collectors.toList());
        }
        List<ResponseStreamEvent> recorded;
        try (StreamResponse<ResponseStreamEvent> stream = wrapped.responses().createStreaming(params)) {
            recorded = stream.stream().collect(Collectors.toList());
        }

        assertThat(recorded).isEqualTo(direct).hasSize(5);
        Map<String, Object> answer = single(exporter.events(insideLlm), EventType.LLM_RESPONSE).payload();
        assertThat(answer).containsEntry("response_text", "It is sunny.").containsEntry("finish_reason", "stop");
        assertThat((Long) answer.get("time_to_first_token_ms")).isNotNull().isNotNegative();
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("total_tokens", 26);
    }

    @Test
    void asyncClientRecordsPlainAndStreamedCallsAndHandsBackTheSdksOwnFuture() throws Exception {
        OpenAIClientAsync async = InsideLlmOpenAI.wrap(OpenAIOkHttpClientAsync.builder()
                .baseUrl(server.url("/v1").toString()).apiKey("test-key").maxRetries(0).build(), insideLlm);
        server.enqueue(OpenAiWire.chatText("Sunny."));
        server.enqueue(OpenAiWire.chatStream());
        try {
            CompletableFuture<ChatCompletion> future = async.chat().completions().create(weatherQuestion());
            assertThat(future.get(10, TimeUnit.SECONDS).choices().get(0).message().content()).contains("Sunny.");

            List<ChatCompletionChunk> chunks = new ArrayList<>();
            AsyncStreamResponse<ChatCompletionChunk> stream = async.chat().completions()
                    .createStreaming(weatherQuestion());
            stream.subscribe(chunks::add);
            stream.onCompleteFuture().get(10, TimeUnit.SECONDS);
            assertThat(chunks).hasSize(8);
        } finally {
            async.close();
        }

        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(
                () -> ofType(exporter.events(insideLlm), EventType.LLM_RESPONSE).size() == 2);
        List<Event> responses = ofType(exporter.events(insideLlm), EventType.LLM_RESPONSE);
        assertThat(responses).extracting(e -> e.payload().get("response_text"))
                .containsExactlyInAnyOrder("Sunny.", "Let me check.");
    }

    @Test
    void anAsyncFailureCompletesTheSdksFutureWithTheSameExceptionAndIsRecorded() throws Exception {
        OpenAIClientAsync async = InsideLlmOpenAI.wrap(OpenAIOkHttpClientAsync.builder()
                .baseUrl(server.url("/v1").toString()).apiKey("test-key").maxRetries(0).build(), insideLlm);
        server.enqueue(OpenAiWire.error(429, "requests", "rate_limit_exceeded", "Rate limit reached"));
        try {
            CompletableFuture<ChatCompletion> future = async.chat().completions().create(weatherQuestion());

            Throwable failure = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
            assertThat(failure).isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasCauseInstanceOf(RateLimitException.class);
        } finally {
            async.close();
        }

        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(
                () -> ofType(exporter.events(insideLlm), EventType.ERROR).size() == 1);
        assertThat(single(exporter.events(insideLlm), EventType.ERROR).payload())
                .containsEntry("error_type", RateLimitException.class.getName()).containsEntry("error_code", "429");
    }

    @Test
    void aCallInsideATrackerBelongsToItsRunUnderTheCurrentStep() throws Exception {
        server.enqueue(OpenAiWire.chatText("Sunny."));

        String stepId;
        String runId;
        try (InsideLlmTracker tracker = insideLlm.tracker("user-7")) {
            runId = tracker.runId();
            tracker.trackAgentStep("answer", () -> wrapped.chat().completions().create(weatherQuestion()));
        }

        List<Event> events = exporter.events(insideLlm);
        Event request = single(events, EventType.LLM_REQUEST);
        stepId = single(events, EventType.AGENT_REASONING).eventId();
        assertThat(request.runId()).isEqualTo(runId);
        assertThat(request.userId()).isEqualTo("user-7");
        assertThat(request.parentEventId()).isEqualTo(stepId);
        assertThat(single(events, EventType.LLM_RESPONSE).runId()).isEqualTo(runId);
        assertThat(ofType(events, EventType.RUN_START)).hasSize(1);
    }

    @Test
    void callsInsideARunRecordTheSameRequestAndAnswerAsCallsOutsideOne() throws Exception {
        server.enqueue(OpenAiWire.chatToolCall());
        server.enqueue(OpenAiWire.chatToolCall());

        wrapped.chat().completions().create(weatherQuestion());
        try (InsideLlmTracker tracker = insideLlm.tracker("user-7")) {
            assertThat(wrapped.chat().completions().create(weatherQuestion()).choices()).hasSize(1);
        }

        List<Event> requests = CapturingExporter.assertSameTwoCalls(exporter.events(insideLlm));
        assertThat((List<Object>) requests.get(1).payload().get("tools")).hasSize(1);
        assertThat(requests.get(1).runId()).isNotEqualTo(requests.get(0).runId());
    }

    @Test
    void otherCallsPassThroughUnrecorded() throws Exception {
        server.enqueue(OpenAiWire.json("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\","
                + "\"created\":1700000000,\"owned_by\":\"openai\"}]}"));

        assertThat(wrapped.models().list().data()).extracting(m -> m.id()).containsExactly("gpt-4o-mini");
        assertThat(exporter.events(insideLlm)).isEmpty();
        assertThat(wrapped.withOptions(o -> o.maxRetries(1)).chat().completions())
                .isNotSameAs(raw.chat().completions());
    }

    @Test
    void aFailureInsideRecordingNeverReachesTheApplication() throws Exception {
        server.enqueue(OpenAiWire.chatText("Sunny."));
        server.enqueue(OpenAiWire.chatStream());
        InsideLlmClient broken = new ThrowingClient();
        OpenAIClient client = InsideLlmOpenAI.wrap(raw, broken);

        assertThat(client.chat().completions().create(weatherQuestion()).choices().get(0).message().content())
                .contains("Sunny.");
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(weatherQuestion())) {
            assertThat(stream.stream().count()).isEqualTo(8);
        }
    }

    @Test
    void wrappingTwiceRecordsOnce() throws Exception {
        server.enqueue(OpenAiWire.chatText("Sunny."));

        InsideLlmOpenAI.wrap(wrapped, insideLlm).chat().completions().create(weatherQuestion());

        assertThat(ofType(exporter.events(insideLlm), EventType.LLM_REQUEST)).hasSize(1);
        assertThat(Stream.of(wrapped.toString())).allMatch(s -> s.startsWith("InsideLlm("));
        assertThat(Optional.of(wrapped)).contains(wrapped);
        assertThatThrownBy(() -> InsideLlmOpenAI.wrap((OpenAIClient) null, insideLlm))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("client");
    }
}
