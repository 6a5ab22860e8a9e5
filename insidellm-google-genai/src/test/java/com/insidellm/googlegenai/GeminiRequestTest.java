package com.insidellm.googlegenai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.insidellm.modelcall.ModelCallRecorder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token-by-token request reader records exactly what the tree-based mapping recorded before it
 * ({@link TreeRequestOracle}): the same values of the same types in the same order, for every request shape the SDK
 * sends and for shapes it does not.
 */
@SuppressWarnings("unchecked")
class GeminiRequestTest {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final String BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    @Test
    void theSdksPlainRequestIsRecordedAsBefore() throws IOException {
        ModelCallRecorder.Request request = assertSameAsTree("""
                {"contents":[{"parts":[{"text":"Summarise the report."}],"role":"user"}],
                 "systemInstruction":{"parts":[{"text":"Be brief."}],"role":"user"},
                 "generationConfig":{"temperature":0.2}}""");
        assertThat(request.request().prompt()).isEqualTo("Summarise the report.");
        assertThat(request.request().systemMessage()).isEqualTo("Be brief.");
        assertThat(request.request().parameters()).isEqualTo(Map.of("temperature", 0.2));
        assertThat(request.request().messages()).hasSize(2);
    }

    @Test
    void multiPartContentWithInlineAndFileDataRecordsNoImageBytes() throws IOException {
        ModelCallRecorder.Request request = assertSameAsTree("""
                {"contents":[{"role":"user","parts":[{"text":"What is in these?"},
                  {"inlineData":{"data":"%s","mimeType":"image/png"}},
                  {"inlineData":{"data":"%s"}},
                  {"inlineData":{"mimeType":null,"data":"%s"}},
                  {"fileData":{"fileUri":"gs://bucket/cat.jpg","mimeType":"image/jpeg"}},
                  {"fileData":{"mimeType":"image/jpeg"}},
                  {"fileData":{"fileUri":null}},
                  {"text":"And this?"}]}]}""".formatted(BASE64, BASE64, BASE64));
        List<Map<String, Object>> parts = (List<Map<String, Object>>) request.request().messages().get(0)
                .get("content");
        assertThat(parts).hasSize(8);
        assertThat(parts.get(1)).isEqualTo(Map.of("type", "image_url", "image_url",
                Map.of("url", "data:image/png;base64,...")));
        assertThat(request.request().toString()).doesNotContain(BASE64);
        assertThat(request.request().prompt()).isEqualTo("What is in these?\nAnd this?");
    }

    @Test
    void functionCallsAndResponsesAsBefore() throws IOException {
        ModelCallRecorder.Request request = assertSameAsTree("""
                {"contents":[
                  {"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
                  {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris","days":2,
                     "hourly":1.50,"tags":["a","b"],"note":"caf\\u00e9 \\"x\\""}}},
                    {"functionCall":{"id":"call-2","name":"get_weather","args":{"city":"Rome"}}},
                    {"functionCall":{"name":"no_args"}},
                    {"functionCall":null},
                    {"thoughtSignature":"c2lnbmF0dXJl","functionCall":{"name":"signed","args":{}}}]},
                  {"role":"user","parts":[
                    {"functionResponse":{"name":"get_weather","response":{"temperature":18,"unit":"C"}}},
                    {"functionResponse":{"id":"call-2","name":"get_weather","response":{"output":[1,2.5,null]}}},
                    {"functionResponse":{"name":"no_response"}}]},
                  {"role":"model","parts":[{"text":"Sunny in both."}]}]}""");
        List<? extends Map<String, ?>> messages = request.request().messages();
        assertThat(messages).extracting(m -> (Object) m.get("role"))
                .containsExactly("user", "assistant", "tool", "tool", "tool", "assistant");
        assertThat(messages.get(1).get("content")).isNull();
        assertThat((List<?>) messages.get(1).get("tool_calls")).hasSize(5);
    }

    @Test
    void systemInstructionPartsToolsToolConfigAndEveryParameterAsBefore() throws IOException {
        ModelCallRecorder.Request request = assertSameAsTree("""
                {"systemInstruction":{"role":"system","parts":[{"text":"Be brief."},{"inlineData":
                   {"data":"%s","mimeType":"image/png"}},{"text":"Answer in French."}]},
                 "contents":[{"role":"user","parts":[{"text":"Hi"}]}],
                 "tools":[{"functionDeclarations":[
                     {"name":"get_weather","description":"The weather","parameters":{"type":"OBJECT",
                       "properties":{"city":{"type":"STRING"},"days":{"type":"INTEGER","minimum":1,"maximum":7.5}},
                       "required":["city"]}},
                     {"name":"schema","description":null,"parametersJsonSchema":{"type":"object"},
                      "parameters":{"type":"OBJECT"}},
                     {"name":"bare"},
                     {"name":"null_schema","parametersJsonSchema":null},
                     {"name":7, "description":true},
                     "not a declaration"]},
                   {"googleSearch":{}},
                   {"codeExecution":{},"retrieval":{"vertexAiSearch":{"datastore":"d"}},"n":[1,2.0,null,true]},
                   null],
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}},
                 "generationConfig":{"temperature":0.7,"topP":0.95,"topK":40,"maxOutputTokens":1024,
                   "stopSequences":["END","STOP"],"candidateCount":1,"seed":1099511627776,
                   "presencePenalty":0.5,"frequencyPenalty":-0.25,"thinkingConfig":{"thinkingBudget":512,
                   "includeThoughts":true},"responseMimeType":"application/json",
                   "responseSchema":{"type":"OBJECT"},"responseModalities":["TEXT"],"mediaResolution":null,
                   "topLogprobs":null}}""".formatted(BASE64));
        assertThat(request.request().systemMessage()).isEqualTo("Be brief.\nAnswer in French.");
        assertThat((List<?>) request.extras().get("tools")).hasSize(9);
        assertThat(request.extras().get("tool_choice")).isEqualTo(Map.of("type", "function", "function",
                Map.of("name", "get_weather")));
        assertThat((Map<String, Object>) request.request().parameters()).containsEntry("seed", 1099511627776L)
                .containsEntry("top_k", 40).containsEntry("response_format", "application/json")
                .doesNotContainKey("responseSchema");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"contents\":[],\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}}",
        "{\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"a\",\"b\"]}}}",
        "{\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"}}}",
        "{\"toolConfig\":{\"functionCallingConfig\":{\"allowedFunctionNames\":[\"a\"]}},\"tools\":[]}",
        "{\"toolConfig\":null,\"tools\":null,\"contents\":null,\"systemInstruction\":null,\"generationConfig\":null}",
        "{}",
        "[]",
        "null",
        "\"text\"",
        "",
        // Unknown fields at every level are skipped, however nested.
        "{\"safetySettings\":[{\"category\":\"HARM_CATEGORY_HATE_SPEECH\",\"threshold\":\"BLOCK_NONE\"}],"
                + "\"cachedContent\":\"cachedContents/1\",\"labels\":{\"team\":\"a\"},\"model\":\"x\","
                + "\"contents\":[{\"role\":\"user\",\"extra\":{\"deep\":[[{\"a\":{}}]]},"
                + "\"parts\":[{\"text\":\"Hi\",\"partMetadata\":{\"k\":[1,2]}},"
                + "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(1)\"}},"
                + "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\"}},{},"
                + "{\"videoMetadata\":{\"fps\":1},\"fileData\":{\"fileUri\":\"gs://v.mp4\"}}]}]}",
        // Thoughts are left out wherever their flag comes; odd flags count as JsonNode.asBoolean counts them.
        "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"text\":\"thinking...\",\"thought\":true},"
                + "{\"thought\":\"true\",\"text\":\"also thinking\"},{\"thought\":1,\"text\":\"and this\"},"
                + "{\"thought\":false,\"text\":\"Answer.\"},{\"thought\":null,\"text\":\"More.\"},"
                + "{\"thought\":\"no\",\"text\":\"Last.\"}]},{\"role\":\"model\",\"parts\":[{\"thought\":true}]}]}",
        // Values of unexpected types read as JsonNode.asText() reads them.
        "{\"contents\":[{\"role\":null,\"parts\":[{\"text\":null},{\"text\":12.50},{\"text\":true},"
                + "{\"text\":{\"a\":1}},{\"text\":[1]},{\"text\":-7}]},{\"role\":1,\"parts\":[\"s\",null,3,[]]},"
                + "{\"role\":\"model\",\"parts\":{\"a\":{\"text\":\"parts as an object\"}}},"
                + "\"not a content\",null,{\"role\":\"user\"},{\"role\":\"user\",\"parts\":[]}],"
                + "\"systemInstruction\":{\"parts\":[{\"text\":1e2},{\"notText\":1}]}}",
        "{\"contents\":{\"first\":{\"role\":\"user\",\"parts\":[{\"text\":\"contents as an object\"}]}},"
                + "\"systemInstruction\":{\"parts\":[{\"nothing\":\"here\"}]},\"generationConfig\":{\"seed\":"
                + "123456789012345678901234567890,\"temperature\":1,\"topP\":1e-3,\"stopSequences\":\"END\"}}",
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"\\u00e9\\n\\ttab \\\"quoted\\\" \\ud83d\\ude00\"}]}]}",
        "{\"contents\":[{\"role\":\"model\",\"parts\":[{\"text\":\"Only the assistant spoke.\"}]}]}",
        "{\"systemInstruction\":[{\"parts\":[{\"text\":\"an array\"}]}],\"generationConfig\":[1]}",
    })
    void everyShapeIsRecordedAsTheTreePathRecordedIt(String json) throws IOException {
        assertSameAsTree(json);
    }

    @Test
    void malformedJsonFailsAsTheTreePathFailed() {
        String json = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}],\"tools\":[{\"x\":}]}";
        assertThatThrownBy(() -> TreeRequestOracle.request("m", stream(json), false)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> GeminiRequest.read("m", BodyBytes.of(RequestBody.create(json, JSON)), false))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theSdksRequestBodyIsReadWhereItIsWithoutACopy() throws IOException {
        byte[] body = "{\"contents\":[]}".getBytes(StandardCharsets.UTF_8);
        BodyBytes read = BodyBytes.of(RequestBody.create(body, JSON));
        assertThat(read.bytes).isSameAs(body);
        assertThat(read.length).isEqualTo(body.length);
    }

    @Test
    void aBodyWrittenInPiecesIsReadWhole() throws IOException {
        String json = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + "x".repeat(20_000) + "\"}]}]}";
        RequestBody pieces = new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                sink.write(bytes, 0, 10);
                sink.writeUtf8(json.substring(10, 20));
                sink.write(bytes, 20, bytes.length - 20);
            }
        };
        assertThat(GeminiRequest.read("m", BodyBytes.of(pieces), false))
                .isEqualTo(TreeRequestOracle.request("m", stream(json), false));
    }

    @Test
    void aBufferedAnswerIsReadInPlaceAndLeftForTheSdk() throws IOException {
        for (int size : new int[] {100, 20_000}) {
            Buffer buffer = new Buffer().writeUtf8("y".repeat(size));
            BodyBytes read = BodyBytes.of(buffer);
            assertThat(new String(read.bytes, read.offset, read.length, StandardCharsets.UTF_8))
                    .isEqualTo("y".repeat(size));
            assertThat(buffer.size()).isEqualTo(size);
        }
    }

    private static ModelCallRecorder.Request assertSameAsTree(String json) throws IOException {
        ModelCallRecorder.Request tree = TreeRequestOracle.request("gemini-2.5-flash", stream(json), true);
        ModelCallRecorder.Request read = GeminiRequest.read("gemini-2.5-flash",
                BodyBytes.of(RequestBody.create(json, JSON)), true);
        assertThat(read).isEqualTo(tree);
        // Equal maps may still differ in order or number types; the JSON written shows both.
        assertThat(GeminiWire.JSON.writeValueAsString(read)).isEqualTo(GeminiWire.JSON.writeValueAsString(tree));
        // What automatic threading reads at once: the same messages, read alone.
        assertThat(GeminiWire.JSON.writeValueAsString(GeminiRequest.messages(
                BodyBytes.of(RequestBody.create(json, JSON))))).isEqualTo(GeminiWire.JSON.writeValueAsString(
                        read.request().messages()));
        return read;
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
