package com.insidellm.googlegenai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.insidellm.Payload;
import com.insidellm.modelcall.ModelCallRecorder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code generateContent} request body token by token into the chat format and parameters recorded (the
 * mapping {@link GeminiWire} describes), without building the body's tree: what is not recorded, an inline image's
 * base64 data above all, is skipped as it is read. Small, rare values (a function call or response, the tool config)
 * are still read as trees, so that they map exactly as the SDK's {@code JsonNode} would show them. Values read as
 * text follow {@link JsonNode#asText()} (a number as Jackson writes it, {@code null} as "null", an object as "").
 * Objects where the format has arrays are read by their values, as {@code JsonNode} iterates them. A key sent twice
 * (the SDK never does) counts once per section, the last one.
 */
final class GeminiRequest {

    private GeminiRequest() {
    }

    /** The request in {@code body}, a {@code GenerateContentRequest}'s JSON. */
    static ModelCallRecorder.Request read(String model, BodyBytes body, boolean stream) throws IOException {
        try (JsonParser parser = GeminiWire.JSON.createParser(body.bytes, body.offset, body.length)) {
            return read(model, parser, stream);
        }
    }

    /**
     * Only the messages of the request in {@code body}, as {@link #read} gives them (the system instruction first):
     * what automatic threading needs at once; the rest is skipped unread.
     */
    static List<Map<String, @Nullable Object>> messages(BodyBytes body) throws IOException {
        try (JsonParser parser = GeminiWire.JSON.createParser(body.bytes, body.offset, body.length)) {
            Sections read = new Sections();
            read.read(parser, true);
            return read.messages();
        }
    }

    /** The sections of a request that are recorded, as read. */
    private static final class Sections {
        @Nullable String system;
        List<Map<String, @Nullable Object>> contents = List.of();
        Map<String, Object> parameters = Map.of();
        List<@Nullable Object> tools = List.of();
        @Nullable Object toolChoice;

        /** Reads the request at the parser; with {@code messagesOnly}, the other sections are skipped unread. */
        void read(JsonParser parser, boolean messagesOnly) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (messagesOnly && !field.equals("contents") && !field.equals("systemInstruction") ? "" : field) {
                    case "contents" -> contents = contents(parser);
                    case "systemInstruction" -> system = systemInstruction(parser);
                    case "generationConfig" -> parameters = parameters(parser);
                    case "tools" -> tools = tools(parser);
                    case "toolConfig" -> toolChoice = toolChoice(tree(parser));
                    default -> parser.skipChildren();
                }
            }
        }

        List<Map<String, @Nullable Object>> messages() {
            List<Map<String, @Nullable Object>> messages = new ArrayList<>(contents.size() + 1);
            if (system != null) {
                messages.add(GeminiWire.message("system", system));
            }
            messages.addAll(contents);
            return messages;
        }
    }

    static ModelCallRecorder.Request read(String model, JsonParser parser, boolean stream) throws IOException {
        Sections read = new Sections();
        read.read(parser, false);
        String system = read.system;
        Map<String, Object> parameters = read.parameters;
        List<@Nullable Object> tools = read.tools;
        Object toolChoice = read.toolChoice;
        List<Map<String, @Nullable Object>> messages = read.messages();
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("call_type", "chat");
        if (!tools.isEmpty()) {
            extras.put("tools", tools);
        }
        if (toolChoice != null) {
            extras.put("tool_choice", toolChoice);
        }
        return new ModelCallRecorder.Request(new Payload.LlmRequest(model, GeminiWire.PROVIDER,
                GeminiWire.prompt(messages), parameters.isEmpty() ? null : parameters, system, messages), extras,
                stream);
    }

    /** Reads one element of an array (or one value of an object standing for one), leaving the parser at its end. */
    @FunctionalInterface
    private interface ElementReader {
        void read(JsonParser parser) throws IOException;
    }

    /** Each element of the array or value of the object at the parser, as {@code JsonNode} iterates; else none. */
    private static void elements(JsonParser parser, ElementReader reader) throws IOException {
        JsonToken container = parser.currentToken();
        if (container == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                reader.read(parser);
            }
        } else if (container == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                parser.nextToken();
                reader.read(parser);
            }
        } else {
            parser.skipChildren();
        }
    }

    /** Reads one value at the parser, leaving the parser at its end. */
    @FunctionalInterface
    private interface ValueReader<T> {
        T read(JsonParser parser) throws IOException;
    }

    /**
     * The field {@code name} of the object at the parser as {@code reader} reads it (the last, if sent twice), the
     * rest skipped unread; {@code absent} when the value is no object or has no such field.
     */
    private static <T> @Nullable T field(JsonParser parser, String name, ValueReader<T> reader, @Nullable T absent)
            throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return absent;
        }
        T value = absent;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals(name)) {
                value = reader.read(parser);
            } else {
                parser.skipChildren();
            }
        }
        return value;
    }

    /** The text parts of {@code systemInstruction.parts} joined by new lines; {@code null} when there is none. */
    private static @Nullable String systemInstruction(JsonParser parser) throws IOException {
        return field(parser, "parts", parts -> {
            StringBuilder joined = new StringBuilder();
            boolean[] any = {false};
            elements(parts, part -> {
                String partText = field(part, "text", GeminiRequest::asText, null);
                if (partText != null) {
                    (any[0] ? joined.append('\n') : joined).append(partText);
                    any[0] = true;
                }
            });
            return any[0] ? joined.toString() : null;
        }, null);
    }

    /** The chat messages of {@code contents}. */
    private static List<Map<String, @Nullable Object>> contents(JsonParser parser) throws IOException {
        List<Map<String, @Nullable Object>> messages = new ArrayList<>();
        elements(parser, element -> content(element, messages));
        return messages;
    }

    /** One content as chat messages: function responses as {@code tool} messages, the rest as one message. */
    private static void content(JsonParser parser, List<Map<String, @Nullable Object>> messages) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        String role = "";
        List<Part> parts = List.of();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("role")) {
                role = asText(parser);
            } else if (field.equals("parts")) {
                List<Part> read = new ArrayList<>();
                elements(parser, part -> read.add(Part.read(part)));
                parts = read;
            } else {
                parser.skipChildren();
            }
        }
        List<Map<String, Object>> chatParts = new ArrayList<>(parts.size());
        List<Map<String, Object>> toolCalls = new ArrayList<>(0);
        for (Part part : parts) {
            if (part.thought) {
                continue;
            }
            if (part.text != null) {
                chatParts.add(Map.of("type", "text", "text", part.text));
            } else if (part.functionCall != null) {
                toolCalls.add(GeminiWire.toolCall(part.functionCall));
            } else if (part.functionResponse != null) {
                messages.add(GeminiWire.toolMessage(part.functionResponse));
            } else if (part.inlineMimeType != null) {
                chatParts.add(Map.of("type", "image_url", "image_url", Map.of("url",
                        "data:" + part.inlineMimeType + ";base64,...")));
            } else if (part.fileUri != null) {
                chatParts.add(Map.of("type", "image_url", "image_url", Map.of("url", part.fileUri)));
            } else {
                chatParts.add(Map.of("type", part.firstField == null ? "unknown" : part.firstField));
            }
        }
        if (chatParts.isEmpty() && toolCalls.isEmpty()) {
            return;
        }
        Object chatContent = chatParts.size() == 1 && "text".equals(chatParts.get(0).get("type"))
                ? chatParts.get(0).get("text") : chatParts.isEmpty() ? null : chatParts;
        Map<String, @Nullable Object> chat = GeminiWire.message("model".equals(role) ? "assistant" : "user",
                chatContent);
        if (!toolCalls.isEmpty()) {
            chat.put("tool_calls", toolCalls);
        }
        messages.add(chat);
    }

    /** What one part says, read whole before it is mapped: a part's {@code thought} flag may come last. */
    private static final class Part {
        boolean thought;
        @Nullable String text;
        @Nullable JsonNode functionCall;
        @Nullable JsonNode functionResponse;
        @Nullable String inlineMimeType;
        @Nullable String fileUri;
        @Nullable String firstField;

        static Part read(JsonParser parser) throws IOException {
            Part part = new Part();
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return part;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (part.firstField == null) {
                    part.firstField = field;
                }
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "thought" -> part.thought = value == JsonToken.VALUE_TRUE
                            || value != JsonToken.VALUE_FALSE && tree(parser).asBoolean(false);
                    case "text" -> part.text = asText(parser);
                    case "functionCall" -> part.functionCall = tree(parser);
                    case "functionResponse" -> part.functionResponse = tree(parser);
                    case "inlineData" -> part.inlineMimeType = child(parser, "mimeType", "application/octet-stream");
                    case "fileData" -> part.fileUri = child(parser, "fileUri", "");
                    default -> parser.skipChildren();
                }
            }
            return part;
        }
    }

    /**
     * {@code value.path(name).asText(missing)} of the value at the parser, the rest skipped unread (an inline image's
     * data): a missing child gives {@code missing}, a null one {@code missing} too unless that is "" (as
     * {@code asText()} of a null node is "null").
     */
    private static String child(JsonParser parser, String name, String missing) throws IOException {
        String text = field(parser, name, value -> value.currentToken() == JsonToken.VALUE_NULL
                ? (missing.isEmpty() ? "null" : missing) : asText(value), missing);
        return text == null ? missing : text;
    }

    /** {@code generationConfig} as recorded parameters. */
    private static Map<String, Object> parameters(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Map.of();
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            String name = GeminiWire.PARAMETERS.get(field);
            if (name != null && value != JsonToken.VALUE_NULL) {
                parameters.put(name, switch (value) {
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
                    case VALUE_STRING -> parser.getText();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    default -> GeminiWire.JSON.convertValue(tree(parser), Object.class);
                });
            } else if (field.equals("responseMimeType")) {
                parameters.put("response_format", asText(parser));
            } else {
                parser.skipChildren();
            }
        }
        return parameters;
    }

    /** {@code tools} in the chat format: function declarations as functions, other tools as Gemini defines them. */
    private static List<@Nullable Object> tools(JsonParser parser) throws IOException {
        List<@Nullable Object> tools = new ArrayList<>();
        elements(parser, tool -> {
            if (tool.currentToken() != JsonToken.START_OBJECT) {
                // As the tree path converted it: null stays null, a scalar or array is not a tool (and fails).
                tools.add(GeminiWire.JSON.convertValue(tree(tool), Map.class));
                return;
            }
            Map<?, ?> read = GeminiWire.JSON.readValue(tool, Map.class);
            if (!read.containsKey("functionDeclarations")) {
                tools.add(read);
                return;
            }
            Object declarations = read.get("functionDeclarations");
            Collection<?> each = declarations instanceof List<?> list ? list
                    : declarations instanceof Map<?, ?> map ? map.values() : List.of();
            for (Object declaration : each) {
                tools.add(Map.of("type", "function", "function", function(declaration)));
            }
        });
        return tools;
    }

    /** One function declaration, read as plain Java values, as a chat-format function. */
    private static Map<String, @Nullable Object> function(@Nullable Object declaration) {
        Map<?, ?> fields = declaration instanceof Map<?, ?> map ? map : Map.of();
        Map<String, @Nullable Object> function = new LinkedHashMap<>();
        function.put("name", fields.containsKey("name") ? asText(fields.get("name")) : "");
        if (fields.get("description") != null) {
            function.put("description", asText(fields.get("description")));
        }
        String key = fields.containsKey("parametersJsonSchema") ? "parametersJsonSchema"
                : fields.containsKey("parameters") ? "parameters" : null;
        Object schema = key == null ? Map.of("type", "object") : fields.get(key);
        if (schema != null && !(schema instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a function's parameters are not an object: " + schema.getClass());
        }
        function.put("parameters", schema);
        return function;
    }

    /** {@code toolConfig.functionCallingConfig} as the chat format's tool choice, or {@code null}. */
    private static @Nullable Object toolChoice(JsonNode toolConfig) {
        JsonNode calling = toolConfig.path("functionCallingConfig");
        if (!calling.has("mode")) {
            return null;
        }
        String mode = calling.path("mode").asText();
        JsonNode allowed = calling.path("allowedFunctionNames");
        return "ANY".equals(mode) && allowed.size() == 1
                ? Map.of("type", "function", "function", Map.of("name", allowed.get(0).asText()))
                : "ANY".equals(mode) ? "required" : mode.toLowerCase(Locale.ROOT);
    }

    /** The value at the parser as {@link JsonNode#asText()} gives it; strings without building a node. */
    private static String asText(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NULL -> "null";
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case START_OBJECT, START_ARRAY -> {
                parser.skipChildren();
                yield "";
            }
            default -> tree(parser).asText();
        };
    }

    /** A plain Java value (as read into a map) as {@link JsonNode#asText()} gives it. */
    private static String asText(@Nullable Object value) {
        if (value instanceof String text) {
            return text;
        }
        return value == null ? "null" : value instanceof Map<?, ?> || value instanceof List<?> ? ""
                : GeminiWire.JSON.<JsonNode>valueToTree(value).asText();
    }

    /** The value at the parser as a tree (small values: a function call or response, the tool config). */
    private static JsonNode tree(JsonParser parser) throws IOException {
        JsonNode node = parser.readValueAsTree();
        return node == null ? NullNode.getInstance() : node;
    }
}
