package com.insidellm.anthropic;

import com.anthropic.core.JsonValue;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.ModelCallRecorder;
import com.insidellm.Payload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Maps the Messages API ({@code client.messages()}) to InsideLLM's request and response fields, in the OpenAI chat
 * format every integration records: the system prompt as a {@code system} message, {@code tool_use} blocks as
 * assistant {@code tool_calls} (arguments as a JSON string), {@code tool_result} blocks as {@code tool} messages,
 * tools as {@code {"type":"function","function":{name, description, parameters}}}. Every method tolerates missing
 * parts.
 */
final class AnthropicMessages {

    /** The provider name recorded for Anthropic: {@value}. */
    static final String PROVIDER = "anthropic";

    private static final TypeReference<Map<String, @Nullable Object>> MAP = new TypeReference<>() { };
    /** Only for writing tool arguments (plain maps and lists) as a JSON string. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CACHED_TOOLS = 1024;
    private static final Map<Object, Map<String, @Nullable Object>> TOOLS = new ConcurrentHashMap<>();
    /** The request fields that are parameters, with the name recorded (the LangChain4j module's names). */
    private static final Map<String, String> PARAMETERS = Map.of("temperature", "temperature", "top_p", "top_p",
            "top_k", "top_k", "max_tokens", "max_tokens", "stop_sequences", "stop", "thinking", "thinking",
            "service_tier", "service_tier");

    private AnthropicMessages() {
    }

    static Map<String, @Nullable Object> wire(Object model) {
        Map<String, @Nullable Object> map = JsonValue.from(model).convert(MAP);
        return map == null ? new LinkedHashMap<>() : map;
    }

    /**
     * The request: model, prompt, messages, system prompt, parameters, tools and tool choice. Read through the SDK's
     * accessors (converting a whole request to its wire form costs far more); the rare block types this module does
     * not know are read in their wire form.
     */
    static ModelCallRecorder.Request request(MessageCreateParams params, boolean stream) {
        List<Map<String, @Nullable Object>> messages = new ArrayList<>();
        String system = params.system().map(AnthropicMessages::system).orElse(null);
        if (system != null) {
            messages.add(message("system", system));
        }
        for (MessageParam message : params.messages()) {
            addMessage(messages, message.role().asString(), message.content());
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("max_tokens", params.maxTokens());
        params.stopSequences().filter(stop -> !stop.isEmpty()).ifPresent(stop -> parameters.put("stop",
                List.copyOf(stop)));
        params.thinking().ifPresent(thinking -> parameters.put("thinking", wire(thinking)));
        params.serviceTier().ifPresent(tier -> parameters.put("service_tier", tier.asString()));
        // Sampling settings this SDK version has no setter for travel as additional body properties.
        for (Map.Entry<String, JsonValue> extra : params._additionalBodyProperties().entrySet()) {
            String name = PARAMETERS.get(extra.getKey());
            if (name != null) {
                parameters.put(name, extra.getValue().convert(Object.class));
            }
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("call_type", "chat");
        params.tools().filter(tools -> !tools.isEmpty()).ifPresent(tools -> {
            List<Map<String, @Nullable Object>> out = new ArrayList<>(tools.size());
            for (Object tool : tools) {
                out.add(tool(tool));
            }
            extras.put("tools", out);
        });
        params.toolChoice().ifPresent(choice -> {
            Object chat = toolChoice(wire(choice));
            if (chat != null) {
                extras.put("tool_choice", chat);
            }
        });
        return new ModelCallRecorder.Request(new Payload.LlmRequest(params.model().asString(), PROVIDER,
                prompt(messages), parameters, system, messages), extras, stream);
    }

    private static String system(MessageCreateParams.System system) {
        if (system.isString()) {
            return system.asString();
        }
        StringBuilder sb = new StringBuilder();
        for (TextBlockParam block : system.isTextBlockParams() ? system.asTextBlockParams()
                : List.<TextBlockParam>of()) {
            sb.append(sb.length() > 0 ? "\n" : "").append(block.text());
        }
        return sb.toString();
    }

    static Map<String, @Nullable Object> message(String role, @Nullable Object content) {
        Map<String, @Nullable Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    /** One Anthropic message as chat messages: tool results first (as {@code tool} messages), then the rest. */
    private static void addMessage(List<Map<String, @Nullable Object>> messages, String role,
            MessageContentParam content) {
        if (content.isString()) {
            messages.add(message(role, content.asString()));
            return;
        }
        List<Map<String, Object>> parts = new ArrayList<>();
        List<Map<String, Object>> toolCalls = new ArrayList<>();
        for (ContentBlockParam block : content.isContentBlockParams() ? content.asContentBlockParams()
                : List.<ContentBlockParam>of()) {
            if (block.isText()) {
                parts.add(Map.of("type", "text", "text", block.asText().text()));
            } else if (block.isToolUse()) {
                ToolUseBlockParam use = block.asToolUse();
                toolCalls.add(toolCall(use.id(), use.name(), json(use._input().asUnknown()
                        .map(value -> value.convert(Object.class)).orElseGet(() -> wire(use.input())))));
            } else if (block.isToolResult()) {
                ToolResultBlockParam result = block.asToolResult();
                Map<String, @Nullable Object> tool = new LinkedHashMap<>();
                tool.put("role", "tool");
                tool.put("tool_call_id", result.toolUseId());
                String text = result.content().map(c -> c.isString() ? c.asString() : text(wireValue(c)))
                        .orElse(null);
                tool.put("content", text == null ? "" : text);
                messages.add(tool);
            } else if (block.isImage()) {
                Object source = wire(block.asImage()).get("source");
                Object url = source instanceof Map<?, ?> s && s.get("url") != null ? s.get("url")
                        : "data:" + (source instanceof Map<?, ?> s2 ? s2.get("media_type") : "image") + ";base64,...";
                parts.add(Map.of("type", "image_url", "image_url", Map.of("url", String.valueOf(url))));
            } else if (!block.isThinking() && !block.isRedactedThinking()) {
                parts.add(Map.of("type", String.valueOf(wire(block).get("type"))));
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

    private static @Nullable Object wireValue(Object model) {
        return JsonValue.from(model).convert(Object.class);
    }

    static Map<String, Object> toolCall(@Nullable Object id, @Nullable Object name, String arguments) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", String.valueOf(name));
        function.put("arguments", arguments);
        Map<String, Object> call = new LinkedHashMap<>();
        if (id != null) {
            call.put("id", String.valueOf(id));
        }
        call.put("type", "function");
        call.put("function", function);
        return call;
    }

    static String json(@Nullable Object value) {
        if (value == null) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            return String.valueOf(value);
        }
    }

    /** A tool in the chat format, converted once per definition (applications pass the same tools every call). */
    private static Map<String, @Nullable Object> tool(Object tool) {
        Map<String, @Nullable Object> converted = TOOLS.get(tool);
        if (converted == null) {
            Map<String, @Nullable Object> wire = wire(tool);
            if (wire.containsKey("input_schema")) {
                Map<String, @Nullable Object> function = new LinkedHashMap<>();
                function.put("name", wire.get("name"));
                if (wire.get("description") != null) {
                    function.put("description", wire.get("description"));
                }
                function.put("parameters", wire.get("input_schema"));
                converted = new LinkedHashMap<>();
                converted.put("type", "function");
                converted.put("function", Collections.unmodifiableMap(function));
            } else {
                // Server tools (web search, code execution...): as Anthropic defines them.
                converted = wire;
            }
            converted = Collections.unmodifiableMap(converted);
            if (TOOLS.size() >= MAX_CACHED_TOOLS) {
                TOOLS.clear();
            }
            TOOLS.put(tool, converted);
        }
        return converted;
    }

    /** Anthropic's tool choice in the chat format's words: auto, required (any), none, or the named function. */
    private static @Nullable Object toolChoice(@Nullable Object choice) {
        if (!(choice instanceof Map<?, ?> map)) {
            return choice;
        }
        Object type = map.get("type");
        if ("any".equals(type)) {
            return "required";
        }
        if ("tool".equals(type)) {
            return Map.of("type", "function", "function", Map.of("name", String.valueOf(map.get("name"))));
        }
        return String.valueOf(type);
    }

    /** The text of a string or of a list of text blocks; {@code null} for anything else. */
    static @Nullable String text(@Nullable Object content) {
        if (content == null || content instanceof String) {
            return (String) content;
        }
        if (content instanceof List<?> blocks) {
            StringBuilder sb = new StringBuilder();
            for (Object block : blocks) {
                if (block instanceof Map<?, ?> map && map.get("text") instanceof String text) {
                    if (sb.length() > 0) {
                        sb.append('\n');
                    }
                    sb.append(text);
                }
            }
            return sb.toString();
        }
        return null;
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
            String text = text(messages.get(i).get("content"));
            if (text != null && !text.isEmpty()) {
                return text;
            }
        }
        return "";
    }
}
