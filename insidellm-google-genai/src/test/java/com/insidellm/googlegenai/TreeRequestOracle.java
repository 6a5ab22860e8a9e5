package com.insidellm.googlegenai;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.Payload;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The request mapping as it was before {@link GeminiRequest}: the whole body read as a tree. Kept as the reference
 * the token-by-token reader must match, event field for event field.
 */
final class TreeRequestOracle {

    private TreeRequestOracle() {
    }

    @SuppressWarnings("unchecked")
    static ModelCallRecorder.Request request(String model, java.io.InputStream body, boolean stream)
            throws java.io.IOException {
        JsonNode root = GeminiWire.JSON.readTree(body);
        List<Map<String, @Nullable Object>> messages = new ArrayList<>();
        String system = text(root.path("systemInstruction").path("parts"));
        if (system != null) {
            messages.add(GeminiWire.message("system", system));
        }
        for (JsonNode content : root.path("contents")) {
            addContent(messages, content);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> settings = root.path("generationConfig").fields();
        while (settings.hasNext()) {
            Map.Entry<String, JsonNode> setting = settings.next();
            String name = GeminiWire.PARAMETERS.get(setting.getKey());
            if (name != null && !setting.getValue().isNull()) {
                parameters.put(name, plain(setting.getValue()));
            } else if (setting.getKey().equals("responseMimeType")) {
                parameters.put("response_format", setting.getValue().asText());
            }
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("call_type", "chat");
        List<Map<String, Object>> tools = new ArrayList<>();
        for (JsonNode tool : root.path("tools")) {
            if (tool.has("functionDeclarations")) {
                for (JsonNode declaration : tool.path("functionDeclarations")) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", declaration.path("name").asText());
                    if (declaration.hasNonNull("description")) {
                        function.put("description", declaration.path("description").asText());
                    }
                    JsonNode schema = declaration.has("parametersJsonSchema") ? declaration.get("parametersJsonSchema")
                            : declaration.path("parameters");
                    function.put("parameters", schema.isMissingNode() ? Map.of("type", "object")
                            : GeminiWire.JSON.convertValue(schema, Map.class));
                    tools.add(Map.of("type", "function", "function", function));
                }
            } else {
                // Google Search, code execution...: as Gemini defines them.
                tools.add(GeminiWire.JSON.convertValue(tool, Map.class));
            }
        }
        if (!tools.isEmpty()) {
            extras.put("tools", tools);
        }
        JsonNode calling = root.path("toolConfig").path("functionCallingConfig");
        if (calling.has("mode")) {
            String mode = calling.path("mode").asText();
            JsonNode allowed = calling.path("allowedFunctionNames");
            extras.put("tool_choice", "ANY".equals(mode) && allowed.size() == 1
                    ? Map.of("type", "function", "function", Map.of("name", allowed.get(0).asText()))
                    : "ANY".equals(mode) ? "required" : mode.toLowerCase(Locale.ROOT));
        }
        return new ModelCallRecorder.Request(new Payload.LlmRequest(model, GeminiWire.PROVIDER,
                GeminiWire.prompt(messages),
                parameters.isEmpty() ? null : parameters, system, messages), extras, stream);
    }

    /** A JSON value as plain Java: scalars directly (a conversion costs more than the rest of the request). */
    private static @Nullable Object plain(JsonNode value) {
        if (value.isNumber()) {
            return value.numberValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.isBoolean() ? value.booleanValue() : GeminiWire.JSON.convertValue(value, Object.class);
    }

    /** One Gemini content as chat messages: function responses as {@code tool} messages, the rest as one message. */
    private static void addContent(List<Map<String, @Nullable Object>> messages, JsonNode content) {
        String role = "model".equals(content.path("role").asText()) ? "assistant" : "user";
        List<Map<String, Object>> parts = new ArrayList<>();
        List<Map<String, Object>> toolCalls = new ArrayList<>();
        for (JsonNode part : content.path("parts")) {
            if (part.path("thought").asBoolean(false)) {
                continue;
            }
            if (part.has("text")) {
                parts.add(Map.of("type", "text", "text", part.path("text").asText()));
            } else if (part.has("functionCall")) {
                toolCalls.add(GeminiWire.toolCall(part.path("functionCall")));
            } else if (part.has("functionResponse")) {
                messages.add(GeminiWire.toolMessage(part.path("functionResponse")));
            } else if (part.has("inlineData")) {
                parts.add(Map.of("type", "image_url", "image_url", Map.of("url",
                        "data:" + part.path("inlineData").path("mimeType").asText("application/octet-stream")
                                + ";base64,...")));
            } else if (part.has("fileData")) {
                parts.add(Map.of("type", "image_url", "image_url",
                        Map.of("url", part.path("fileData").path("fileUri").asText())));
            } else {
                Iterator<String> names = part.fieldNames();
                parts.add(Map.of("type", names.hasNext() ? names.next() : "unknown"));
            }
        }
        if (parts.isEmpty() && toolCalls.isEmpty()) {
            return;
        }
        Object chatContent = parts.size() == 1 && "text".equals(parts.get(0).get("type")) ? parts.get(0).get("text")
                : parts.isEmpty() ? null : parts;
        Map<String, @Nullable Object> chat = GeminiWire.message(role, chatContent);
        if (!toolCalls.isEmpty()) {
            chat.put("tool_calls", toolCalls);
        }
        messages.add(chat);
    }

    /** The text parts of a {@code parts} array joined by new lines; {@code null} when there is none. */
    private static @Nullable String text(JsonNode parts) {
        StringBuilder sb = null;
        for (JsonNode part : parts) {
            if (part.has("text")) {
                sb = sb == null ? new StringBuilder() : sb.append('\n');
                sb.append(part.path("text").asText());
            }
        }
        return sb == null ? null : sb.toString();
    }
}
