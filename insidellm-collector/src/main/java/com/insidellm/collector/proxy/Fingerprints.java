package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.ConversationThreads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The conversation fingerprints the gateway threads calls with: core's {@link ConversationThreads} algorithm (the
 * one the LangChain4j module and the SDK wrappers use) on messages read from the OpenAI chat format, so a
 * conversation threads the same whichever way it was recorded. The gateway keeps the index itself, in the collector's
 * database ({@link GatewayRuns}). Internal; stateless.
 */
final class Fingerprints implements ConversationKeys {

    Fingerprints() {
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
                        List.of(map(answer)));
                return ConversationThreads.fingerprint(prefixes, message.get(0));
            }
        };
    }

    private static List<Map<String, Object>> maps(JsonNode messages) {
        if (!messages.isArray()) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (JsonNode m : messages) {
            out.add(m.isObject() ? map(m) : Map.of());
        }
        return out;
    }

    /**
     * The plain Java form of a JSON object (maps, lists, strings, numbers, booleans, nulls), as core's chat format
     * reads it. By hand rather than {@code ObjectMapper.convertValue}, which writes the tree into a token buffer and
     * reads it back: that was most of the recorder's fingerprinting cost.
     */
    static Map<String, Object> map(JsonNode object) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            out.put(field.getKey(), plain(field.getValue()));
        }
        return out;
    }

    private static @Nullable Object plain(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT:
                return map(node);
            case ARRAY:
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    list.add(plain(item));
                }
                return list;
            case STRING:
                return node.textValue();
            case NUMBER:
                return node.numberValue();
            case BOOLEAN:
                return node.booleanValue();
            case BINARY:
            case POJO:
                return node.asText();
            default:
                return null;
        }
    }
}
