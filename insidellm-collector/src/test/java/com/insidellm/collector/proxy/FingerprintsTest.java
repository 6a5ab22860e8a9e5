package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.ConversationThreads;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    private static final String MESSAGES = "[{\"role\":\"system\",\"content\":\"Be  brief.\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\","
            + "\"image_url\":{\"url\":\"https://example.com/a.png\",\"detail\":\"low\"}},{\"type\":\"input_audio\"}]},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"look\",\"arguments\":\"{\\\"zoom\\\": 2}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"a cat\"},"
            + "{\"role\":\"user\",\"content\":42,\"weight\":1.5,\"flag\":true}]";

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void fingerprintsAsCoreDoesForTheSameMessagesConvertedByJackson() throws Exception {
        JsonNode messages = mapper.readTree(MESSAGES);
        JsonNode answer = mapper.readTree("{\"role\":\"assistant\",\"content\":\"A cat.\"}");

        ConversationKeys.Request ours = new Fingerprints().request(messages);

        List<Map<String, Object>> maps = mapper.convertValue(messages, new TypeReference<>() {});
        ConversationThreads.Prefixes expected = ConversationThreads.Prefixes.of(
                ConversationThreads.Message.fromChat(maps));
        Map<String, Object> answerMap = mapper.convertValue(answer, new TypeReference<>() {});
        assertThat(ours.prefixes()).isEqualTo(expected.keys()).hasSize(5);
        assertThat(ours.withAnswer(answer)).isEqualTo(ConversationThreads.fingerprint(expected,
                ConversationThreads.Message.fromChat(List.of(answerMap)).get(0)));
    }

    @Test
    void convertsJsonToThePlainValuesJacksonWouldGive() throws Exception {
        JsonNode messages = mapper.readTree(MESSAGES);
        for (JsonNode m : messages) {
            assertThat(Fingerprints.map(m)).isEqualTo(mapper.convertValue(m, new TypeReference<Map<String, Object>>() {}));
        }
    }
}
