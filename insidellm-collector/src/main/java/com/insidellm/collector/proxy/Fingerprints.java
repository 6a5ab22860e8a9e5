package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.ConversationThreads;
import java.util.List;
import java.util.Map;

/**
 * The conversation fingerprints the gateway threads calls with: core's {@link ConversationThreads} algorithm (the
 * one the LangChain4j module and the SDK wrappers use) on messages read from the OpenAI chat format, so a
 * conversation threads the same whichever way it was recorded. The gateway keeps the index itself, in the collector's
 * database ({@link GatewayRuns}). Internal; stateless.
 */
final class Fingerprints implements ConversationKeys {

    private final ObjectMapper mapper;

    Fingerprints(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Request request(JsonNode messages) {
        ConversationThreads.Prefixes prefixes = ConversationThreads.Prefixes.of(
                ConversationThreads.Message.fromChat(maps(messages)));
        return new Request() {
            @Override
            public List<String> prefixes() {
                return prefixes.keys();
            }

            @Override
            public String withAnswer(JsonNode answer) {
                List<ConversationThreads.Message> message = ConversationThreads.Message.fromChat(
                        List.of(mapper.convertValue(answer, MAP)));
                return ConversationThreads.fingerprint(prefixes, message.get(0));
            }
        };
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};
    private static final com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>> MAPS =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    private List<Map<String, Object>> maps(JsonNode messages) {
        return messages.isArray() ? mapper.convertValue(messages, MAPS) : List.of();
    }
}
