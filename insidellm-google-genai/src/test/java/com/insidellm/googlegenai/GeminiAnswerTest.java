package com.insidellm.googlegenai;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.LlmCallResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token-by-token reading of answers records what the tree reading it replaced recorded. */
class GeminiAnswerTest {

    @Test
    void readsTheFirstCandidatesTextCallsAndFinishReasonAndSkipsTheRest() {
        GeminiAnswer.Accumulator answer = new GeminiAnswer.Accumulator();
        boolean output = answer.accept("""
                {"candidates":[{"index":0,"safetyRatings":[{"category":"x","probability":"LOW"}],
                  "content":{"parts":[{"text":"thinking...","thought":true},{"text":"Hello "},
                    {"functionCall":{"id":"c1","name":"weather","args":{"city":"Paris"}}},{"text":"world"}],
                    "role":"model"},"finishReason":"STOP"},
                  {"content":{"parts":[{"text":"second candidate"}]},"finishReason":"MAX_TOKENS"}],
                 "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":2,
                   "totalTokenCount":17,"cachedContentTokenCount":4},
                 "modelVersion":"gemini-2.5-flash-001","responseId":"resp-1","extra":{"nested":[1,2,{"a":null}]}}
                """);

        LlmCallResult result = answer.result();
        assertThat(output).isTrue();
        assertThat(answer.failure()).isNull();
        assertThat(result.responseText()).isEqualTo("Hello world");
        assertThat(result.finishReason()).isEqualTo("tool_calls");
        assertThat(result.responseId()).isEqualTo("resp-1");
        assertThat(result.responseModel()).isEqualTo("gemini-2.5-flash-001");
        assertThat(result.usage().promptTokens()).isEqualTo(10);
        assertThat(result.usage().completionTokens()).isEqualTo(7);
        assertThat(result.usage().cachedTokens()).isEqualTo(4);
        assertThat(result.usage().reasoningTokens()).isEqualTo(2);
        Map<String, Object> message = Map.copyOf(result.responseMessage());
        assertThat(message).containsEntry("content", "Hello world").containsEntry("tool_calls", List.of(Map.of("id", "c1", "type", "function",
                        "function", Map.of("name", "weather", "arguments", "{\"city\":\"Paris\"}"))));
    }

    @Test
    void aChunkReportingAnErrorAnywhereFailsAndAddsNothing() {
        GeminiAnswer.Accumulator answer = new GeminiAnswer.Accumulator();
        assertThat(answer.accept("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}]}}]}")).isTrue();
        assertThat(answer.accept("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"}]}}],"
                + "\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\",\"message\":\"overloaded\"}}")).isFalse();

        assertThat(answer.failure()).isInstanceOf(GeminiAnswer.GeminiStreamException.class)
                .hasMessage("503 UNAVAILABLE. overloaded");
        assertThat(answer.result().responseText()).isEqualTo("Hel");
    }

    @Test
    void aChunkThatIsNotJsonIsSkippedAndTheStreamGoesOn() {
        GeminiAnswer.Accumulator answer = new GeminiAnswer.Accumulator();
        assertThat(answer.accept("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lost\"}]}}]")).isFalse();
        assertThat(answer.accept("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"kept\"}]},"
                + "\"finishReason\":\"MAX_TOKENS\"}]}")).isTrue();

        assertThat(answer.result().responseText()).isEqualTo("kept");
        assertThat(answer.result().finishReason()).isEqualTo("length");
        assertThat(answer.failure()).isNull();
    }

    @Test
    void oddValuesReadAsTheTreeReadThem() {
        GeminiAnswer.Accumulator answer = new GeminiAnswer.Accumulator();
        answer.accept("{\"candidates\":[{\"content\":{\"parts\":[{\"thought\":\"true\",\"text\":\"hidden\"},"
                + "{\"text\":42},{\"thought\":false,\"text\":\"!\"}]},\"finishReason\":\"SAFETY\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":\"12\",\"candidatesTokenCount\":null,"
                + "\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":12}]},\"responseId\":7}");

        LlmCallResult result = answer.result();
        assertThat(result.responseText()).isEqualTo("42!");
        assertThat(result.finishReason()).isEqualTo("content_filter");
        assertThat(result.responseId()).isEqualTo("7");
        assertThat(result.usage().promptTokens()).isEqualTo(12);
        assertThat(result.usage().completionTokens()).isZero();
        assertThat(result.usage().totalTokens()).isNull();
    }
}
