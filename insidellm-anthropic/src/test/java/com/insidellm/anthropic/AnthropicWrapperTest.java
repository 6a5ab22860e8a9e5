package com.insidellm.anthropic;

import com.insidellm.testing.CapturingExporter;
import com.insidellm.testing.ThrowingClient;
import static com.insidellm.testing.CapturingExporter.ofType;
import static com.insidellm.testing.CapturingExporter.single;
import static com.insidellm.testing.CapturingExporter.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.mockwebserver.MockWebServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Anthropic client, wrapped and unwrapped, against a local server speaking the Anthropic wire format. */
@SuppressWarnings("unchecked")
class AnthropicWrapperTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient insideLlm = CapturingExporter.client(exporter);
    private final MockWebServer server = new MockWebServer();
    private AnthropicClient raw;
    private AnthropicClient wrapped;

    @BeforeEach
    void start() throws Exception {
        server.start();
        raw = AnthropicOkHttpClient.builder().baseUrl(server.url("/").toString()).apiKey("test-key").maxRetries(0)
                .build();
        wrapped = InsideLlmAnthropic.wrap(raw, insideLlm);
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        insideLlm.close();
        server.shutdown();
    }

    private static final Tool WEATHER = Tool.builder().name("get_weather").description("The weather in a city")
            .inputSchema(Tool.InputSchema.builder()
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();

    private static MessageCreateParams weatherQuestion() {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).system("Be brief.")
                .addUserMessage("Weather in Paris?").addTool(WEATHER).build();
    }

    @Test
    void messageIsRecordedInTheChatFormatWithToolsToolCallsCacheTokensAndCost() throws Exception {
        server.enqueue(AnthropicWire.toolUse());

        Message message = wrapped.messages().create(weatherQuestion());

        assertThat(message.content()).hasSize(2);
        List<Event> events = exporter.events(insideLlm);
        assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.LLM_REQUEST, EventType.LLM_RESPONSE);
        Event request = single(events, EventType.LLM_REQUEST);
        Event response = single(events, EventType.LLM_RESPONSE);
        assertThat(response.parentEventId()).isEqualTo(request.eventId());
        assertThat(events).extracting(Event::runId).containsOnly(request.runId());

        Map<String, Object> sent = request.payload();
        assertThat(sent).containsEntry("model_name", "claude-sonnet-4-5").containsEntry("provider", "anthropic")
                .containsEntry("prompt", "Weather in Paris?").containsEntry("system_message", "Be brief.")
                .containsEntry("call_type", "chat");
        assertThat((List<Map<String, Object>>) sent.get("messages")).containsExactly(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather in Paris?"));
        assertThat((Map<String, Object>) sent.get("parameters")).containsEntry("max_tokens", 256L);
        Map<String, Object> function = (Map<String, Object>) ((List<Map<String, Object>>) sent.get("tools")).get(0)
                .get("function");
        assertThat(function).containsEntry("name", "get_weather").containsEntry("description",
                "The weather in a city");
        assertThat((Map<String, Object>) function.get("parameters")).containsEntry("type", "object")
                .containsEntry("properties", Map.of("city", Map.of("type", "string")));

        Map<String, Object> answer = response.payload();
        assertThat(answer).containsEntry("response_text", "Let me check.").containsEntry("finish_reason",
                "tool_calls").containsEntry("response_id", "msg_01")
                .containsEntry("response_model", "claude-sonnet-4-5-20250929");
        // Anthropic's 20 input tokens exclude the 100 read from the cache: 120 prompt tokens, 100 of them cached.
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 120)
                .containsEntry("completion_tokens", 15).containsEntry("total_tokens", 135)
                .containsEntry("cached_tokens", 100);
        assertThat((Double) answer.get("cost")).isCloseTo((20 * 3.00 + 100 * 0.30 + 15 * 15.00) / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) answer.get("response_message"))
                .get("tool_calls")).containsExactly(Map.of("id", "toolu_01", "type", "function", "function",
                        Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")));
    }

    @Test
    void toolUsesAndToolResultsOfTheHistoryBecomeToolCallsAndToolMessages() throws Exception {
        server.enqueue(AnthropicWire.toolUse());
        server.enqueue(AnthropicWire.text("Sunny."));
        Message first = wrapped.messages().create(weatherQuestion());

        MessageCreateParams next = weatherQuestion().toBuilder().addMessage(first)
                .addUserMessage(MessageContentParam.ofContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId("toolu_01").content("18 degrees").build()))))
                .build();
        wrapped.messages().create(next);

        List<Event> requests = ofType(exporter.events(insideLlm), EventType.LLM_REQUEST);
        // The second request continues the first conversation: threaded into its run without any id.
        assertThat(requests.get(1).runId()).isEqualTo(requests.get(0).runId());
        assertThat(ofType(exporter.events(insideLlm), EventType.RUN_START)).hasSize(1);
        List<Map<String, Object>> messages = (List<Map<String, Object>>) requests.get(1).payload().get("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(2)).containsEntry("role", "assistant").containsEntry("content", "Let me check.");
        assertThat((List<Map<String, Object>>) messages.get(2).get("tool_calls")).extracting(c -> c.get("id"))
                .containsExactly("toolu_01");
        assertThat(messages.get(3)).containsEntry("role", "tool").containsEntry("tool_call_id", "toolu_01")
                .containsEntry("content", "18 degrees");
        // As for LangChain4j: the prompt is the last user message, not a tool result.
        assertThat(requests.get(1).payload()).containsEntry("prompt", "Weather in Paris?");
    }

    @Test
    void wrappedClientSendsTheSameRequestAndReturnsTheSameMessage() throws Exception {
        server.enqueue(AnthropicWire.text("Sunny."));
        server.enqueue(AnthropicWire.text("Sunny."));

        Message direct = raw.messages().create(weatherQuestion());
        Message recorded = wrapped.messages().create(weatherQuestion());

        assertThat(recorded).isEqualTo(direct);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(server.takeRequest().getBody().readUtf8()))
                .isEqualTo(json.readTree(server.takeRequest().getBody().readUtf8()));
    }

    @Test
    void streamGivesTheSameEventsAndRecordsTimeToFirstTokenToolInputAndUsage() throws Exception {
        server.enqueue(AnthropicWire.stream());
        server.enqueue(AnthropicWire.stream());

        List<RawMessageStreamEvent> direct;
        try (StreamResponse<RawMessageStreamEvent> stream = raw.messages().createStreaming(weatherQuestion())) {
            direct = stream.stream().collect(Collectors.toList());
        }
        List<RawMessageStreamEvent> recorded = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = wrapped.messages().createStreaming(weatherQuestion())) {
            for (RawMessageStreamEvent event : stream) {
                recorded.add(event);
            }
        }

        assertThat(recorded).isEqualTo(direct).hasSize(11);
        List<Event> events = exporter.events(insideLlm);
        Event request = single(events, EventType.LLM_REQUEST);
        assertThat(request.payload()).containsEntry("stream", true);
        Map<String, Object> answer = single(events, EventType.LLM_RESPONSE).payload();
        assertThat(answer).containsEntry("response_text", "Let me check.").containsEntry("finish_reason",
                "tool_calls").containsEntry("response_id", "msg_02");
        assertThat((Long) answer.get("time_to_first_token_ms")).isNotNull().isNotNegative();
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 120)
                .containsEntry("completion_tokens", 15).containsEntry("cached_tokens", 100);
        assertThat(answer.get("cost")).isNotNull();
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) answer.get("response_message"))
                .get("tool_calls")).containsExactly(Map.of("id", "toolu_02", "type", "function", "function",
                        Map.of("name", "get_weather", "arguments", "{\"city\": \"Paris\"}")));
    }

    @Test
    void anHttpErrorReachesTheApplicationUnchangedAndIsRecordedWithItsStatus() throws Exception {
        server.enqueue(AnthropicWire.error(429, "rate_limit_error", "Number of requests has exceeded your limit"));
        server.enqueue(AnthropicWire.error(429, "rate_limit_error", "Number of requests has exceeded your limit"));

        Throwable direct = catchThrowable(() -> raw.messages().create(weatherQuestion()));
        Throwable recorded = catchThrowable(() -> wrapped.messages().create(weatherQuestion()));

        assertThat(recorded).isInstanceOf(RateLimitException.class).hasMessage(direct.getMessage());
        List<Event> events = exporter.events(insideLlm);
        Event error = single(events, EventType.ERROR);
        assertThat(error.parentEventId()).isEqualTo(single(events, EventType.LLM_REQUEST).eventId());
        assertThat(error.payload()).containsEntry("error_code", "429");
        assertThat((Map<String, Object>) error.payload().get("context")).containsEntry("status_code", 429)
                .containsEntry("provider", "anthropic");
        assertThat(ofType(events, EventType.LLM_RESPONSE)).isEmpty();
    }

    @Test
    void asyncClientRecordsPlainAndStreamedCalls() throws Exception {
        AnthropicClientAsync async = InsideLlmAnthropic.wrap(AnthropicOkHttpClientAsync.builder()
                .baseUrl(server.url("/").toString()).apiKey("test-key").maxRetries(0).build(), insideLlm);
        server.enqueue(AnthropicWire.text("Sunny."));
        server.enqueue(AnthropicWire.stream());
        try {
            assertThat(async.messages().create(weatherQuestion()).get(10, TimeUnit.SECONDS).id()).isEqualTo("msg_03");
            List<RawMessageStreamEvent> events = new ArrayList<>();
            AsyncStreamResponse<RawMessageStreamEvent> stream = async.messages().createStreaming(weatherQuestion());
            stream.subscribe(events::add);
            stream.onCompleteFuture().get(10, TimeUnit.SECONDS);
            assertThat(events).hasSize(11);
        } finally {
            async.close();
        }

        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(
                () -> ofType(exporter.events(insideLlm), EventType.LLM_RESPONSE).size() == 2);
        assertThat(ofType(exporter.events(insideLlm), EventType.LLM_RESPONSE))
                .extracting(e -> e.payload().get("response_id")).containsExactlyInAnyOrder("msg_03", "msg_02");
    }

    @Test
    void aCallInsideATrackerBelongsToItsRun() throws Exception {
        server.enqueue(AnthropicWire.text("Sunny."));

        String runId;
        try (InsideLlmTracker tracker = insideLlm.tracker("user-7")) {
            runId = tracker.runId();
            wrapped.messages().create(weatherQuestion());
        }

        Event request = single(exporter.events(insideLlm), EventType.LLM_REQUEST);
        assertThat(request.runId()).isEqualTo(runId);
        assertThat(request.userId()).isEqualTo("user-7");
    }

    @Test
    void callsInsideARunRecordTheSameRequestAndAnswerAsCallsOutsideOne() throws Exception {
        server.enqueue(AnthropicWire.toolUse());
        server.enqueue(AnthropicWire.toolUse());

        wrapped.messages().create(weatherQuestion());
        try (InsideLlmTracker tracker = insideLlm.tracker("user-7")) {
            assertThat(wrapped.messages().create(weatherQuestion()).content()).isNotEmpty();
        }

        List<Event> requests = CapturingExporter.assertSameTwoCalls(exporter.events(insideLlm));
        assertThat((List<Object>) requests.get(1).payload().get("tools")).hasSize(1);
        assertThat(requests.get(1).runId()).isNotEqualTo(requests.get(0).runId());
    }

    @Test
    void otherCallsPassThroughAndRecordingFailuresNeverReachTheApplication() throws Exception {
        server.enqueue(AnthropicWire.json("{\"input_tokens\":42}"));
        server.enqueue(AnthropicWire.text("Sunny."));
        server.enqueue(AnthropicWire.stream());

        assertThat(wrapped.messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder()
                .model("claude-sonnet-4-5").addUserMessage("Hi").build()).inputTokens()).isEqualTo(42);
        assertThat(exporter.events(insideLlm)).isEmpty();

        AnthropicClient broken = InsideLlmAnthropic.wrap(raw, new ThrowingClient());
        assertThat(broken.messages().create(weatherQuestion()).id()).isEqualTo("msg_03");
        try (StreamResponse<RawMessageStreamEvent> stream = broken.messages().createStreaming(weatherQuestion())) {
            assertThat(stream.stream().count()).isEqualTo(11);
        }
    }
}
