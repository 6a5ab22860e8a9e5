package com.insidellm.googlegenai;

import com.insidellm.testing.CapturingExporter;
import com.insidellm.testing.ThrowingClient;
import static com.insidellm.testing.CapturingExporter.ofType;
import static com.insidellm.testing.CapturingExporter.single;
import static com.insidellm.testing.CapturingExporter.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmTracker;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Google Gen AI client, recording and not, against a local server speaking the Gemini wire format. */
@SuppressWarnings("unchecked")
class GenAiRecordingTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient insideLlm = CapturingExporter.client(exporter);
    private final MockWebServer server = new MockWebServer();
    private Client raw;
    private Client recorded;

    @BeforeEach
    void start() throws Exception {
        server.start();
        raw = client(null);
        recorded = client(InsideLlmGenAI.clientOptions(insideLlm));
    }

    private Client client(com.google.genai.types.ClientOptions options) {
        Client.Builder builder = Client.builder().apiKey("test-key").httpOptions(HttpOptions.builder()
                .baseUrl(server.url("/").toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build());
        return (options == null ? builder : builder.clientOptions(options)).build();
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        recorded.close();
        insideLlm.close();
        server.shutdown();
    }

    static final GenerateContentConfig CONFIG = GenerateContentConfig.builder()
            .systemInstruction(Content.fromParts(Part.fromText("Be brief."))).temperature(0.2f).maxOutputTokens(100)
            .tools(Tool.builder().functionDeclarations(FunctionDeclaration.builder().name("get_weather")
                    .description("The weather in a city").parameters(Schema.builder().type("OBJECT")
                            .properties(Map.of("city", Schema.builder().type("STRING").build())).build())
                    .build()).build())
            .build();

    @Test
    void generateContentIsRecordedInTheChatFormatWithToolsFunctionCallsUsageAndCost() throws Exception {
        server.enqueue(GeminiWireFormat.functionCall());

        GenerateContentResponse response = recorded.models.generateContent("gemini-2.5-flash", "Weather in Paris?",
                CONFIG);

        assertThat(response.functionCalls()).hasSize(1);
        List<Event> events = exporter.events(insideLlm);
        assertThat(types(events)).containsExactly(EventType.RUN_START, EventType.LLM_REQUEST, EventType.LLM_RESPONSE);
        Event request = single(events, EventType.LLM_REQUEST);
        Event answerEvent = single(events, EventType.LLM_RESPONSE);
        assertThat(answerEvent.parentEventId()).isEqualTo(request.eventId());
        assertThat(events).extracting(Event::runId).containsOnly(request.runId());

        Map<String, Object> sent = request.payload();
        assertThat(sent).containsEntry("model_name", "gemini-2.5-flash").containsEntry("provider", "google")
                .containsEntry("prompt", "Weather in Paris?").containsEntry("system_message", "Be brief.");
        assertThat((List<Map<String, Object>>) sent.get("messages")).containsExactly(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Weather in Paris?"));
        assertThat((Map<String, Object>) sent.get("parameters")).containsEntry("max_tokens", 100)
                .containsKey("temperature");
        Map<String, Object> function = (Map<String, Object>) ((List<Map<String, Object>>) sent.get("tools")).get(0)
                .get("function");
        assertThat(function).containsEntry("name", "get_weather").containsEntry("description",
                "The weather in a city");

        Map<String, Object> answer = answerEvent.payload();
        assertThat(answer).containsEntry("response_text", "Let me check.").containsEntry("finish_reason",
                "tool_calls").containsEntry("response_id", "resp-g1").containsEntry("response_model",
                "gemini-2.5-flash");
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 40)
                .containsEntry("completion_tokens", 22).containsEntry("total_tokens", 62)
                .containsEntry("cached_tokens", 30).containsEntry("reasoning_tokens", 12);
        // gemini-2.5-flash: 10 uncached input tokens at $0.30, 30 cached at $0.03, 22 output at $2.50 per million.
        assertThat((Double) answer.get("cost")).isCloseTo((10 * 0.30 + 30 * 0.03 + 22 * 2.50) / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) answer.get("response_message"))
                .get("tool_calls")).containsExactly(Map.of("type", "function", "function",
                        Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")));
    }

    @Test
    void recordingClientSendsTheSameRequestAndReturnsTheSameAnswer() throws Exception {
        server.enqueue(GeminiWireFormat.text("Sunny."));
        server.enqueue(GeminiWireFormat.text("Sunny."));

        GenerateContentResponse direct = raw.models.generateContent("gemini-2.5-flash", "Weather?", CONFIG);
        GenerateContentResponse viaRecording = recorded.models.generateContent("gemini-2.5-flash", "Weather?",
                CONFIG);

        assertThat(viaRecording.toJson()).isEqualTo(direct.toJson());
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(server.takeRequest().getBody().readUtf8()))
                .isEqualTo(json.readTree(server.takeRequest().getBody().readUtf8()));
    }

    @Test
    void theNextTurnOfAConversationLandsInTheFirstTurnsRun() throws Exception {
        server.enqueue(GeminiWireFormat.text("Sunny."));
        server.enqueue(GeminiWireFormat.text("Warmer."));
        Content question = Content.builder().role("user").parts(Part.fromText("Weather in Paris?")).build();

        GenerateContentResponse first = recorded.models.generateContent("gemini-2.5-flash", List.of(question),
                CONFIG);
        recorded.models.generateContent("gemini-2.5-flash", List.of(question,
                first.candidates().orElseThrow().get(0).content().orElseThrow(),
                Content.builder().role("user").parts(Part.fromText("And tomorrow?")).build()), CONFIG);

        List<Event> events = exporter.events(insideLlm);
        List<Event> requests = ofType(events, EventType.LLM_REQUEST);
        assertThat(requests.get(1).runId()).isEqualTo(requests.get(0).runId());
        assertThat(ofType(events, EventType.RUN_START)).hasSize(1);
    }

    @Test
    void historyWithFunctionCallsAndResponsesBecomesToolCallsAndToolMessages() throws Exception {
        server.enqueue(GeminiWireFormat.text("Sunny."));
        List<Content> history = List.of(
                Content.builder().role("user").parts(Part.fromText("Weather in Paris?")).build(),
                Content.builder().role("model").parts(Part.fromFunctionCall("get_weather", Map.of("city", "Paris")))
                        .build(),
                Content.builder().role("user").parts(Part.fromFunctionResponse("get_weather",
                        Map.of("temperature", 18))).build());

        recorded.models.generateContent("gemini-2.5-flash", history, CONFIG);

        List<Map<String, Object>> messages = (List<Map<String, Object>>) single(exporter.events(insideLlm),
                EventType.LLM_REQUEST).payload().get("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(2)).containsEntry("role", "assistant");
        assertThat((List<Map<String, Object>>) messages.get(2).get("tool_calls")).containsExactly(Map.of("type",
                "function", "function", Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")));
        assertThat(messages.get(3)).containsEntry("role", "tool").containsEntry("name", "get_weather")
                .containsEntry("content", "{\"temperature\":18}");
    }

    @Test
    void streamGivesTheSameChunksAndRecordsTimeToFirstTokenAndUsage() throws Exception {
        server.enqueue(GeminiWireFormat.stream());
        server.enqueue(GeminiWireFormat.stream());

        List<String> direct = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = raw.models.generateContentStream("gemini-2.5-flash",
                "Weather?", CONFIG)) {
            stream.forEach(chunk -> direct.add(chunk.toJson()));
        }
        List<String> viaRecording = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = recorded.models.generateContentStream(
                "gemini-2.5-flash", "Weather?", CONFIG)) {
            stream.forEach(chunk -> viaRecording.add(chunk.toJson()));
        }

        assertThat(viaRecording).isEqualTo(direct).hasSize(3);
        List<Event> events = exporter.events(insideLlm);
        assertThat(single(events, EventType.LLM_REQUEST).payload()).containsEntry("stream", true);
        Map<String, Object> answer = single(events, EventType.LLM_RESPONSE).payload();
        assertThat(answer).containsEntry("response_text", "It is sunny today.").containsEntry("finish_reason", "stop");
        assertThat((Long) answer.get("time_to_first_token_ms")).isNotNull().isNotNegative();
        assertThat((Map<String, Object>) answer.get("usage")).containsEntry("prompt_tokens", 40);
        assertThat(answer.get("cost")).isNotNull();
    }

    @Test
    void anHttpErrorReachesTheApplicationUnchangedAndIsRecordedWithTheSdksExceptionAndStatus() throws Exception {
        server.enqueue(GeminiWireFormat.error(400, "INVALID_ARGUMENT", "Invalid JSON payload"));
        server.enqueue(GeminiWireFormat.error(400, "INVALID_ARGUMENT", "Invalid JSON payload"));

        Throwable direct = catchThrowable(() -> raw.models.generateContent("gemini-2.5-flash", "Hi", null));
        Throwable viaRecording = catchThrowable(() -> recorded.models.generateContent("gemini-2.5-flash", "Hi",
                null));

        assertThat(viaRecording).isInstanceOf(ClientException.class).hasMessage(direct.getMessage());
        List<Event> events = exporter.events(insideLlm);
        Event error = single(events, EventType.ERROR);
        assertThat(error.parentEventId()).isEqualTo(single(events, EventType.LLM_REQUEST).eventId());
        assertThat(error.payload()).containsEntry("error_code", "400").containsEntry("error_message",
                direct.getMessage());
        assertThat((Map<String, Object>) error.payload().get("context")).containsEntry("status_code", 400)
                .containsEntry("exception_class", ClientException.class.getName());
    }

    @Test
    void asyncModelsAndChatsAreRecordedToo() throws Exception {
        server.enqueue(GeminiWireFormat.text("Async."));
        server.enqueue(GeminiWireFormat.text("Chat."));

        assertThat(recorded.async.models.generateContent("gemini-2.5-flash", "Hi", null).get(10, TimeUnit.SECONDS)
                .text()).isEqualTo("Async.");
        assertThat(recorded.chats.create("gemini-2.5-flash").sendMessage("Hello").text()).isEqualTo("Chat.");

        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(
                () -> ofType(exporter.events(insideLlm), EventType.LLM_RESPONSE).size() == 2);
        assertThat(ofType(exporter.events(insideLlm), EventType.LLM_RESPONSE))
                .extracting(e -> e.payload().get("response_text")).containsExactlyInAnyOrder("Async.", "Chat.");
    }

    @Test
    void aBlockingCallInsideATrackerBelongsToItsRun() throws Exception {
        server.enqueue(GeminiWireFormat.text("Sunny."));

        String runId;
        try (InsideLlmTracker tracker = insideLlm.tracker("user-7")) {
            runId = tracker.runId();
            recorded.models.generateContent("gemini-2.5-flash", "Weather?", null);
        }

        Event request = single(exporter.events(insideLlm), EventType.LLM_REQUEST);
        assertThat(request.runId()).isEqualTo(runId);
        assertThat(request.userId()).isEqualTo("user-7");
    }

    @Test
    void otherRequestsPassThroughAndRecordingFailuresNeverReachTheApplication() throws Exception {
        server.enqueue(GeminiWireFormat.json("{\"totalTokens\":7}"));
        server.enqueue(GeminiWireFormat.text("Sunny."));
        server.enqueue(GeminiWireFormat.stream());

        assertThat(recorded.models.countTokens("gemini-2.5-flash", "Hi", null).totalTokens()).contains(7);
        assertThat(exporter.events(insideLlm)).isEmpty();

        try (Client broken = client(InsideLlmGenAI.clientOptions(com.google.genai.types.ClientOptions.builder()
                .build(), ModelCallRecorder.create(new ThrowingClient())))) {
            assertThat(broken.models.generateContent("gemini-2.5-flash", "Hi", null).text()).isEqualTo("Sunny.");
            List<String> chunks = new ArrayList<>();
            try (ResponseStream<GenerateContentResponse> stream = broken.models.generateContentStream(
                    "gemini-2.5-flash", "Hi", null)) {
                stream.forEach(chunk -> chunks.add(chunk.text()));
            }
            assertThat(String.join("", chunks)).isEqualTo("It is sunny today.");
        }
    }
}
