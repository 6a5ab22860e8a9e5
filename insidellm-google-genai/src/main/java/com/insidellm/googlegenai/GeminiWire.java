package com.insidellm.googlegenai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.LlmCallResult;
import com.insidellm.ModelCallRecorder;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
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
    static ModelCallRecorder.Request request(String model, byte[] body, boolean stream) throws java.io.IOException {
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
                parameters.put(name, JSON.convertValue(setting.getValue(), Object.class));
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

    private static Map<String, @Nullable Object> message(String role, @Nullable Object content) {
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

    /**
     * Assembles an answer from one response body (plain call) or from each streamed chunk: the first candidate's
     * text and function calls, its finish reason, the last usage reported, response id and model version. Used by
     * one call at a time.
     */
    static final class Accumulator implements ModelCallRecorder.StreamAccumulator<JsonNode> {
        private final StringBuilder text = new StringBuilder();
        private final List<Map<String, Object>> toolCalls = new ArrayList<>();
        private @Nullable String finishReason;
        private @Nullable TokenUsage usage;
        private @Nullable String id;
        private @Nullable String model;
        private @Nullable RuntimeException failure;

        @Override
        public boolean accept(JsonNode chunk) {
            if (chunk.has("error")) {
                JsonNode error = chunk.path("error");
                failure = new GeminiStreamException(error.path("code").asInt(), error.path("status").asText(),
                        error.path("message").asText("the stream reported an error"));
                return false;
            }
            if (chunk.hasNonNull("responseId")) {
                id = chunk.path("responseId").asText();
            }
            if (chunk.hasNonNull("modelVersion")) {
                model = chunk.path("modelVersion").asText();
            }
            if (chunk.has("usageMetadata")) {
                usage = usage(chunk.path("usageMetadata"));
            }
            boolean output = false;
            JsonNode candidate = chunk.path("candidates").path(0);
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    output = true;
                } else if (part.has("text")) {
                    text.append(part.path("text").asText());
                    output = true;
                } else if (part.has("functionCall")) {
                    toolCalls.add(toolCall(part.path("functionCall")));
                    output = true;
                }
            }
            if (candidate.hasNonNull("finishReason")) {
                finishReason = candidate.path("finishReason").asText();
            }
            return output;
        }

        @Override
        public @Nullable RuntimeException failure() {
            return failure;
        }

        @Override
        public LlmCallResult result() {
            Map<String, @Nullable Object> message = message("assistant",
                    text.length() == 0 && !toolCalls.isEmpty() ? null : text.toString());
            if (!toolCalls.isEmpty()) {
                message.put("tool_calls", toolCalls);
            }
            return LlmCallResult.builder(text.toString()).responseMessage(message)
                    .finishReason(finishReason(finishReason, !toolCalls.isEmpty())).usage(usage).responseId(id)
                    .responseModel(model).build();
        }
    }

    /** Gemini's finish reason in the chat format's words: stop, tool_calls, length, content_filter, or lower case. */
    static @Nullable String finishReason(@Nullable String reason, boolean toolCalls) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> toolCalls ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> reason.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Gemini's usage: the prompt count includes cached tokens; thinking tokens are counted apart from the candidates,
     * so the completion recorded is candidates plus thoughts (billed as output), the thoughts as reasoning tokens.
     */
    static TokenUsage usage(JsonNode usage) {
        Integer prompt = usage.has("promptTokenCount") ? usage.path("promptTokenCount").asInt() : null;
        Integer thoughts = usage.has("thoughtsTokenCount") ? usage.path("thoughtsTokenCount").asInt() : null;
        Integer candidates = usage.has("candidatesTokenCount") ? usage.path("candidatesTokenCount").asInt() : null;
        Integer completion = candidates == null && thoughts == null ? null
                : (candidates == null ? 0 : candidates) + (thoughts == null ? 0 : thoughts);
        Integer total = usage.has("totalTokenCount") ? usage.path("totalTokenCount").asInt() : null;
        Integer cached = usage.has("cachedContentTokenCount") ? usage.path("cachedContentTokenCount").asInt() : null;
        return new TokenUsage(prompt, completion, total, cached, thoughts);
    }

    /** An error a Gemini stream reported in its body, as recorded (never thrown). */
    static final class GeminiStreamException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        GeminiStreamException(int code, String status, String message) {
            super(code + " " + status + ". " + message, null, false, false);
            this.code = code;
        }

        int code() {
            return code;
        }
    }
}
