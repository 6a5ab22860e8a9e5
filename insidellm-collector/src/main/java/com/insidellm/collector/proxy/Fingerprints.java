package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.threading.ConversationThreads;
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
     * reads it: a read-only view that converts a value when it is asked for. Core reads a few keys of each message
     * ({@code role}, {@code content}, ...), so copying every field into new maps and lists first was most of the
     * conversion's cost; the values seen are the same as a copy's ({@code FingerprintsTest}).
     */
    static Map<String, Object> map(JsonNode object) {
        return new ObjectView(object);
    }

    private static @Nullable Object plain(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT:
                return new ObjectView(node);
            case ARRAY:
                return new ArrayView(node);
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

    /** A JSON object as a read-only map; values converted on access. */
    private static final class ObjectView extends java.util.AbstractMap<String, Object> {
        private final JsonNode node;

        ObjectView(JsonNode node) {
            this.node = node;
        }

        @Override
        public @Nullable Object get(Object key) {
            JsonNode value = key instanceof String name ? node.get(name) : null;
            return value == null ? null : plain(value);
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && node.has(name);
        }

        @Override
        public int size() {
            return node.size();
        }

        @Override
        public java.util.Set<Map.Entry<String, Object>> entrySet() {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.put(field.getKey(), plain(field.getValue()));
            }
            return java.util.Collections.unmodifiableMap(copy).entrySet();
        }
    }

    /** A JSON array as a read-only list; items converted on access. */
    private static final class ArrayView extends java.util.AbstractList<Object> {
        private final JsonNode node;

        ArrayView(JsonNode node) {
            this.node = node;
        }

        @Override
        public @Nullable Object get(int index) {
            JsonNode item = node.get(index);
            if (item == null) {
                throw new IndexOutOfBoundsException("index " + index + ", size " + node.size());
            }
            return plain(item);
        }

        @Override
        public int size() {
            return node.size();
        }
    }
}
