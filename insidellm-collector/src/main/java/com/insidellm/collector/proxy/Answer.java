package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A model's answer in the OpenAI format, read from a {@code chat.completion} or assembled from the chunks of a stream
 * (content, tool-call deltas by index, the finish reason and the usage chunk). Internal; immutable.
 *
 * @param message the assistant message: {@code role}, {@code content}, and {@code tool_calls} when there are any
 * @param usage the OpenAI usage object, null when the upstream reported none
 */
record Answer(ObjectNode message, String text, @Nullable String finishReason, @Nullable JsonNode usage,
        @Nullable String id, @Nullable String model) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Reads a {@code chat.completion} body. Streams through it and builds trees only for what is recorded (the first
     * choice's message and finish reason, usage, id, model), skipping the rest (log probabilities, other choices).
     */
    static Answer of(byte[] body, ObjectMapper mapper) throws IOException {
        JsonNode m = null;
        JsonNode finish = null;
        JsonNode usage = null;
        JsonNode id = null;
        JsonNode model = null;
        // Values are read from the middle of the body: what follows each one is not trailing input.
        ObjectReader values = reader(mapper);
        try (JsonParser p = mapper.getFactory().createParser(body)) {
            // Anything but an object records an empty answer, as a tree's missing paths would.
            boolean object = p.nextToken() == JsonToken.START_OBJECT;
            while (object && p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = scalar(p, values);
                    case "model" -> model = scalar(p, values);
                    case "usage" -> usage = values.readValue(p);
                    case "choices" -> {
                        if (value != JsonToken.START_ARRAY) {
                            p.skipChildren();
                            break;
                        }
                        boolean first = true;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (!first || p.currentToken() != JsonToken.START_OBJECT) {
                                p.skipChildren();
                                first = false;
                                continue;
                            }
                            first = false;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                p.nextToken();
                                if (f.equals("message")) {
                                    m = values.readValue(p);
                                } else if (f.equals("finish_reason")) {
                                    finish = scalar(p, values);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        ObjectNode message = NODES.objectNode();
        message.put("role", "assistant");
        JsonNode content = m == null ? null : m.get("content");
        String text = content == null || content.isNull() ? "" : Anthropic.text(content);
        message.set("content", content == null ? NODES.nullNode() : content);
        if (m != null && m.path("tool_calls").isArray() && !m.path("tool_calls").isEmpty()) {
            message.set("tool_calls", m.get("tool_calls"));
        }
        return new Answer(message, text, textOrNull(finish), nonNull(usage), textOrNull(id), textOrNull(model));
    }

    /** Assembles the answer from a stream's chunks, in order. */
    static Answer of(List<String> chunks, ObjectMapper mapper) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean sawContent = false;
        TreeMap<Integer, ObjectNode> calls = new TreeMap<>();
        String finish = null;
        JsonNode usage = null;
        String id = null;
        String model = null;
        for (String json : chunks) {
            JsonNode chunk = mapper.readTree(json);
            if (id == null) {
                id = textOrNull(chunk.get("id"));
            }
            if (model == null) {
                model = textOrNull(chunk.get("model"));
            }
            if (nonNull(chunk.get("usage")) != null) {
                usage = chunk.get("usage");
            }
            for (JsonNode choice : chunk.path("choices")) {
                if (choice.path("index").asInt(0) != 0) {
                    continue;
                }
                JsonNode delta = choice.path("delta");
                JsonNode content = delta.get("content");
                if (content != null && content.isTextual()) {
                    text.append(content.asText());
                    sawContent = true;
                }
                for (JsonNode d : delta.path("tool_calls")) {
                    int index = d.path("index").asInt(calls.size());
                    ObjectNode call = calls.computeIfAbsent(index, i -> {
                        ObjectNode c = NODES.objectNode();
                        c.put("id", "");
                        c.put("type", "function");
                        c.putObject("function").put("name", "").put("arguments", "");
                        return c;
                    });
                    if (d.hasNonNull("id")) {
                        call.put("id", d.get("id").asText());
                    }
                    JsonNode f = d.path("function");
                    ObjectNode target = (ObjectNode) call.get("function");
                    if (f.hasNonNull("name")) {
                        target.put("name", target.get("name").asText() + f.get("name").asText());
                    }
                    if (f.hasNonNull("arguments")) {
                        target.put("arguments", target.get("arguments").asText() + f.get("arguments").asText());
                    }
                }
                if (nonNull(choice.get("finish_reason")) != null) {
                    finish = choice.get("finish_reason").asText();
                }
            }
        }
        ObjectNode message = NODES.objectNode();
        message.put("role", "assistant");
        if (sawContent && (text.length() > 0 || calls.isEmpty())) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        if (!calls.isEmpty()) {
            ArrayNode list = message.putArray("tool_calls");
            calls.values().forEach(list::add);
        }
        return new Answer(message, text.toString(), finish, usage, id, model);
    }

    /** The last mapper's reader: building one per answer copied the mapper's configuration every call. */
    private static volatile @Nullable Reader last;

    private record Reader(ObjectMapper mapper, ObjectReader reader) {}

    private static ObjectReader reader(ObjectMapper mapper) {
        Reader r = last;
        if (r == null || r.mapper() != mapper) {
            r = new Reader(mapper, mapper.readerFor(JsonNode.class)
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
            last = r;
        }
        return r.reader();
    }

    /**
     * The current value, read as {@link ObjectReader#readValue} would; strings and nulls without a deserialisation
     * context of their own (the id, model and finish reason are one string each).
     */
    private static JsonNode scalar(JsonParser p, ObjectReader values) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return NODES.textNode(p.getText());
        }
        if (t == JsonToken.VALUE_NULL) {
            return NODES.nullNode();
        }
        return values.readValue(p);
    }

    private static @Nullable JsonNode nonNull(@Nullable JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    private static @Nullable String textOrNull(@Nullable JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }
}
