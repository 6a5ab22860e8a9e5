package com.insidellm.googlegenai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps the Gemini API's {@code generateContent} and {@code streamGenerateContent} JSON (the Gemini Developer API and
 * Vertex AI use the same bodies) to InsideLLM's request and response fields, in the OpenAI chat format every
 * integration records: {@code systemInstruction} as the system message, role {@code model} as {@code assistant},
 * {@code functionCall} parts as {@code tool_calls}, {@code functionResponse} parts as {@code tool} messages, function
 * declarations as chat-format tools. Every method tolerates missing parts. Requests are read by {@link GeminiRequest},
 * answers by {@link GeminiAnswer}.
 */
final class GeminiWire {

    /** The provider name recorded for Gemini: {@value}. */
    static final String PROVIDER = "google";

    /** Only for reading bodies and writing function arguments as JSON strings; never configured by the application. */
    static final ObjectMapper JSON = new ObjectMapper();

    /** Generation settings recorded as parameters, with the name recorded (the LangChain4j module's names). */
    static final Map<String, String> PARAMETERS = Map.of("temperature", "temperature", "topP", "top_p",
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

    static Map<String, @Nullable Object> message(String role, @Nullable Object content) {
        Map<String, @Nullable Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    /** A {@code functionResponse} as a chat-format {@code tool} message. */
    static Map<String, @Nullable Object> toolMessage(JsonNode response) {
        Map<String, @Nullable Object> result = new LinkedHashMap<>();
        result.put("role", "tool");
        result.put("tool_call_id", response.hasNonNull("id") ? response.path("id").asText()
                : response.path("name").asText());
        result.put("name", response.path("name").asText());
        result.put("content", response.path("response").toString());
        return result;
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
