package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnswerTest {

    /** Strict like the collector's own mapper. */
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Answer read(String json) throws Exception {
        return Answer.of(json.getBytes(StandardCharsets.UTF_8), mapper);
    }

    @Test
    void readsTheFirstChoiceUsageIdAndModelAndSkipsEverythingElse() throws Exception {
        Answer a = read("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"logprobs\":{\"content\":[{\"a\":[1,2]}]},"
                + "\"choices\":[{\"index\":0,\"logprobs\":{\"x\":{\"message\":\"not this\"}},\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Paris.\",\"refusal\":null},\"finish_reason\":\"stop\"},"
                + "{\"index\":1,\"message\":{\"content\":\"second\"},\"finish_reason\":\"length\"}],"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":8,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":3}},\"system_fingerprint\":\"fp\"}");

        assertThat(a.text()).isEqualTo("Paris.");
        assertThat(a.finishReason()).isEqualTo("stop");
        assertThat(a.id()).isEqualTo("chatcmpl-1");
        assertThat(a.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(a.usage()).isNotNull();
        assertThat(a.usage().path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(3);
        assertThat(a.message().toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"Paris.\"}");
    }

    @Test
    void keepsToolCallsAndANullContent() throws Exception {
        Answer a = read("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
                + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":"
                + "\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":null,\"id\":null}");

        assertThat(a.text()).isEmpty();
        assertThat(a.finishReason()).isEqualTo("tool_calls");
        assertThat(a.usage()).isNull();
        assertThat(a.id()).isNull();
        assertThat(a.message().get("content").isNull()).isTrue();
        assertThat(a.message().path("tool_calls").path(0).path("function").path("name").asText()).isEqualTo("weather");
    }

    @Test
    void anAnswerThatIsNoObjectIsRecordedEmpty() throws Exception {
        Answer a = read("[1, 2]");

        assertThat(a.text()).isEmpty();
        assertThat(a.finishReason()).isNull();
        assertThat(a.message().toString()).isEqualTo("{\"role\":\"assistant\",\"content\":null}");
    }

    @Test
    void scalarsThatAreNoStringsReadAsTheirTreeWould() throws Exception {
        Answer a = read("{\"id\":42,\"model\":{\"name\":\"m\"},\"choices\":[{\"message\":{\"content\":\"x\"},"
                + "\"finish_reason\":true}]}");

        assertThat(a.id()).isEqualTo("42");
        assertThat(a.model()).isEmpty(); // an object's text, as JsonNode.asText() gives it
        assertThat(a.finishReason()).isEqualTo("true");
    }
}
