package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Conversation fingerprints of OpenAI-format messages, for automatic threading. Internal; implementations are
 * stateless and thread-safe.
 */
interface ConversationKeys {

    /** The fingerprints of one request, computed once per call. */
    interface Request {
        /** The fingerprint of each prefix of the request's messages: element {@code i} covers messages {@code 0..i}. */
        List<String> prefixes();

        /** The fingerprint of the request followed by the assistant message {@code answer}. */
        String withAnswer(JsonNode answer);
    }

    /** The fingerprints of a request with {@code messages}. */
    Request request(JsonNode messages);
}
