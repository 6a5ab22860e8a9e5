package com.insidellm.googlegenai;

import static com.insidellm.testing.CapturingExporter.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCallingConfig;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GoogleSearch;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import com.google.genai.types.SafetySetting;
import com.google.genai.types.Schema;
import com.google.genai.types.ThinkingConfig;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.testing.CapturingExporter;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the real Google Gen AI client sends, against the Gemini Developer API and Vertex AI, is recorded as the
 * tree-based mapping ({@link TreeRequestOracle}) recorded the same bytes: multi-part contents with inline and file
 * data, function calls and responses, a multi-part system instruction, tools, tool config, every parameter and
 * fields that are not recorded.
 */
@SuppressWarnings("unchecked")
class GenAiRequestShapesTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient insideLlm = CapturingExporter.client(exporter);
    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        insideLlm.close();
        server.shutdown();
    }

    private Client client(boolean vertex) {
        Client.Builder builder = Client.builder().httpOptions(HttpOptions.builder()
                        .baseUrl(server.url("/").toString())
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
                .clientOptions(InsideLlmGenAI.clientOptions(insideLlm));
        return (vertex ? builder.vertexAI(true).project("test-project").location("us-central1")
                .credentials(GoogleCredentials.create(new AccessToken("test-token",
                        new Date(System.currentTimeMillis() + 3_600_000))))
                : builder.apiKey("test-key")).build();
    }

    @ParameterizedTest(name = "vertex={0}")
    @ValueSource(booleans = {false, true})
    void everyRequestShapeTheSdkSendsIsRecordedAsTheTreePathRecordedIt(boolean vertex) throws Exception {
        server.enqueue(GeminiWireFormat.text("Il fera beau."));
        byte[] image = new byte[3000];
        Arrays.fill(image, (byte) 7);
        List<Content> history = List.of(
                Content.builder().role("user").parts(Part.fromText("What is in these, and the weather?"),
                        Part.fromBytes(image, "image/png"), Part.fromUri("gs://bucket/cat.jpg", "image/jpeg"))
                        .build(),
                Content.builder().role("model").parts(Part.fromFunctionCall("get_weather",
                        Map.of("city", "Paris", "days", 2))).build(),
                Content.builder().role("user").parts(Part.fromFunctionResponse("get_weather",
                        Map.of("temperature", 18.5, "unit", "C"))).build(),
                Content.builder().role("model").parts(Part.fromText("A cat; sunny.")).build(),
                Content.builder().role("user").parts(Part.fromText("And tomorrow?")).build());
        GenerateContentConfig config = GenerateContentConfig.builder()
                .systemInstruction(Content.fromParts(Part.fromText("Be brief."), Part.fromText("Use French.")))
                .temperature(0.5f).topP(0.9f).topK(40f).maxOutputTokens(256).stopSequences("END")
                .candidateCount(1).seed(7).presencePenalty(0.1f).frequencyPenalty(0.2f)
                .responseMimeType("text/plain").thinkingConfig(ThinkingConfig.builder().thinkingBudget(128))
                .safetySettings(SafetySetting.builder().category("HARM_CATEGORY_HATE_SPEECH")
                        .threshold("BLOCK_ONLY_HIGH"))
                .tools(Tool.builder().functionDeclarations(FunctionDeclaration.builder().name("get_weather")
                                .description("The weather in a city").parameters(Schema.builder().type("OBJECT")
                                        .properties(Map.of("city", Schema.builder().type("STRING").build()))
                                        .required("city").build())),
                        Tool.builder().googleSearch(GoogleSearch.builder()))
                .toolConfig(ToolConfig.builder().functionCallingConfig(FunctionCallingConfig.builder().mode("ANY")
                        .allowedFunctionNames("get_weather")))
                .build();

        try (Client gemini = client(vertex)) {
            gemini.models.generateContent("gemini-2.5-flash", history, config);
        }

        RecordedRequest sent = server.takeRequest(30, TimeUnit.SECONDS);
        assertThat(sent.getPath()).contains(vertex
                ? "/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:"
                : "/models/gemini-2.5-flash:");
        String body = sent.getBody().readUtf8();
        ModelCallRecorder.Request expected = TreeRequestOracle.request(GeminiWire.model(sent.getPath()),
                new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), false);
        Map<String, Object> recorded = single(exporter.events(insideLlm), EventType.LLM_REQUEST).payload();

        assertThat(recorded).containsEntry("model_name", "gemini-2.5-flash")
                .containsEntry("prompt", expected.request().prompt())
                .containsEntry("system_message", "Be brief.\nUse French.")
                .containsEntry("parameters", expected.request().parameters())
                .containsEntry("messages", expected.request().messages())
                .containsEntry("tools", expected.extras().get("tools"))
                .containsEntry("tool_choice", expected.extras().get("tool_choice"));
        assertThat((Map<String, Object>) recorded.get("parameters")).containsKeys("temperature", "top_p", "top_k",
                "max_tokens", "stop", "n", "seed", "presence_penalty", "frequency_penalty", "thinking",
                "response_format");
        assertThat((List<?>) recorded.get("messages")).hasSize(6);
        assertThat((List<?>) recorded.get("tools")).hasSize(2);
        // The image went to the model, base64 in the body, but is not recorded.
        String base64 = java.util.Base64.getEncoder().encodeToString(image);
        assertThat(body).contains(base64).contains("safetySettings");
        assertThat(recorded.toString()).doesNotContain(base64).doesNotContain("BLOCK_ONLY_HIGH");
    }
}
