package com.insidellm.googlegenai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.ModelCallRecorder;
import com.insidellm.Payload;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps the Gemini API's {@code generateContent} and {@code streamGenerateContent} JSON (the Gemini Developer API and
 * Vertex AI use the same bodies) to InsideLLM's request and response fields, in the OpenAI chat format every
 * integration records: {@code systemInstruction} as the system message, role {@code model} as {@code assistant},
 * {@code functionCall} parts as {@code tool_calls}, {@code functionResponse} parts as {@code tool} messages, function
 * declarations as chat-format tools. Every method tolerates missing parts.
 */
final class GeminiWire {

    /** The provider name recorded for Gemini: {@value}. */
    static final String PROVIDER = "google";

    /** Only for reading bodies and writing function arguments as JSON strings; never configured by the application. */
    static final ObjectMapper JSON = new ObjectMapper();

    /** Generation settings recorded as parameters, with the name recorded (the LangChain4j module's names). */
    private static final Map<String, String> PARAMETERS = Map.of("temperature", "temperature", "topP", "top_p",
            "topK", "top_k", "maxOutputTokens", "max_tokens", "stopSequences", "stop", "candidateCount", "n",
            "seed", "seed", "presencePenalty", "presence_penalty", "frequencyPenalty", "frequency_penalty",
            "thinkingConfig", "thinking");

    private GeminiWire() {
    }

    /** The model named in a request path: {@code .../models/gemini-2.5-flash:generateContent}. */
    static String model(String path) {
        int models = path.lastIndexOf("/models/");
        int colon = path.lastIndexOf(':');
        return models >= 0 && colon > models ? path.substring(models + "/models/".length(), colon) : "unknown";
    }

    @SuppressWarnings("unchecked")
    static ModelCallRecorder.Request request(String model, java.io.InputStream body, boolean stream)
            throws java.io.IOException {
        JsonNode root = JSON.readTree(body);
        List<Map<String, @Nullable Object>> messages = new ArrayList<>();
        String system = text(root.path("systemInstruction").path("parts"));
        if (system != null) {
            messages.add(message("system", system));
        }
        for (JsonNode content : root.path("contents")) {
            addContent(messages, content);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> settings = root.path("generationConfig").fields();
        while (settings.hasNext()) {
            Map.Entry<String, JsonNode> setting = settings.next();
            String name = PARAMETERS.get(setting.getKey());
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
                            : JSON.convertValue(schema, Map.class));
                    tools.add(Map.of("type", "function", "function", function));
                }
            } else {
                // Google Search, code execution...: as Gemini defines them.
                tools.add(JSON.convertValue(tool, Map.class));
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
        return new ModelCallRecorder.Request(new Payload.LlmRequest(model, PROVIDER, prompt(messages),
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
        return value.isBoolean() ? value.booleanValue() : JSON.convertValue(value, Object.class);
    }

    static Map<String, @Nullable Object> message(String role, @Nullable Object content) {
        Map<String, @Nullable Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
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
                toolCalls.add(toolCall(part.path("functionCall")));
            } else if (part.has("functionResponse")) {
                JsonNode response = part.path("functionResponse");
                Map<String, @Nullable Object> result = new LinkedHashMap<>();
                result.put("role", "tool");
                result.put("tool_call_id", response.hasNonNull("id") ? response.path("id").asText()
                        : response.path("name").asText());
                result.put("name", response.path("name").asText());
                result.put("content", response.path("response").toString());
                messages.add(result);
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
        Map<String, @Nullable Object> chat = message(role, chatContent);
        if (!toolCalls.isEmpty()) {
            chat.put("tool_calls", toolCalls);
        }
        messages.add(chat);
    }

    static Map<String, Object> toolCall(JsonNode call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.path("name").asText());
        function.put("arguments", call.has("args") ? call.get("args").toString() : "{}");
        Map<String, Object> chat = new LinkedHashMap<>();
        if (call.hasNonNull("id")) {
            chat.put("id", call.path("id").asText());
        }
        chat.put("type", "function");
        chat.put("function", function);
        return chat;
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

    private static @Nullable String text(@Nullable Object content) {
        if (content == null || content instanceof String) {
            return (String) content;
        }
        StringBuilder sb = new StringBuilder();
        for (Object part : (List<?>) content) {
            if (part instanceof Map<?, ?> map && map.get("text") instanceof String text) {
                sb.append(sb.length() > 0 ? "\n" : "").append(text);
            }
        }
        return sb.toString();
    }

    /** The prompt: the text of the last user message, else of the last message with text. */
    static String prompt(List<Map<String, @Nullable Object>> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).get("role"))) {
                String text = text(messages.get(i).get("content"));
                return text == null ? "" : text;
            }
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            Object content = messages.get(i).get("content");
            String text = content instanceof String || content instanceof List<?> ? text(content) : null;
            if (text != null && !text.isEmpty()) {
                return text;
            }
        }
        return "";
    }
}
