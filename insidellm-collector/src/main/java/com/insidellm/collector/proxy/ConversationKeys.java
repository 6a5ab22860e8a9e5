package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Conversation fingerprints of OpenAI-format messages, for automatic threading: {@code prefixes(messages).get(i)}
 * covers messages {@code 0..i}, and {@link #withAnswer} covers a request followed by its answer, so the next turn's
 * request finds it among its prefixes. Internal; implementations are stateless and thread-safe.
 */
interface ConversationKeys {

    /** The fingerprint of each prefix of {@code messages}. */
    List<String> prefixes(JsonNode messages);

    /** The fingerprint of {@code messages} followed by the assistant message {@code answer}. */
    String withAnswer(JsonNode messages, JsonNode answer);

    /** No fingerprints: every call without a run header starts a run of its own. */
    ConversationKeys NONE = new ConversationKeys() {
        @Override
        public List<String> prefixes(JsonNode messages) {
            return List.of();
        }

        @Override
        public String withAnswer(JsonNode messages, JsonNode answer) {
            return "";
        }
    };
}
