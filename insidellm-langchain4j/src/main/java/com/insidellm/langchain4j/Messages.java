package com.insidellm.langchain4j;

import com.insidellm.TokenUsage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Converts LangChain4j requests, messages and usage into the OpenAI chat format and the wire fields of InsideLLM
 * events. Every method tolerates missing parts (null text, no usage, an unknown message or content type): a field it
 * cannot fill is left out or null, never an exception.
 */
final class Messages {

    /** Base64 data is not copied into events: it would blow the event size limit and rarely helps analysis. */
    private static final String OMITTED_DATA = "...";

    private Messages() {
    }

    /** The provider name as InsideLLM records it: {@code openai}, {@code anthropic}, ... or the enum name in lower case. */
    static String provider(@Nullable ModelProvider provider) {
        if (provider == null) {
            return "unknown";
        }
        // name(), not a switch over the constants: newer LangChain4j versions add providers this module never saw.
        String name = provider.name();
        return switch (name) {
            case "OPEN_AI" -> "openai";
            case "AZURE_OPEN_AI" -> "azure_openai";
            case "GOOGLE_AI_GEMINI" -> "google_ai_gemini";
            case "OTHER" -> "other";
            default -> name.toLowerCase(Locale.ROOT);
        };
    }

    /** The OpenAI finish reason for a LangChain4j one. */
    static @Nullable String finishReason(@Nullable FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason.name()) {
            case "STOP" -> "stop";
            case "LENGTH" -> "length";
            case "TOOL_EXECUTION" -> "tool_calls";
            case "CONTENT_FILTER" -> "content_filter";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The messages in the OpenAI chat format. */
    static List<Map<String, @Nullable Object>> messages(List<ChatMessage> messages) {
        List<Map<String, @Nullable Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            out.add(message(message));
        }
        return out;
    }

    /** One message in the OpenAI chat format. */
    static Map<String, @Nullable Object> message(@Nullable ChatMessage message) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        if (message instanceof SystemMessage system) {
            map.put("role", "system");
            map.put("content", system.text());
        } else if (message instanceof UserMessage user) {
            map.put("role", "user");
            map.put("content", user.hasSingleText() ? user.singleText() : contents(user.contents()));
            if (user.name() != null) {
                map.put("name", user.name());
            }
        } else if (message instanceof AiMessage ai) {
            map.put("role", "assistant");
            map.put("content", ai.text());
            if (ai.hasToolExecutionRequests()) {
                map.put("tool_calls", toolCalls(ai.toolExecutionRequests()));
            }
        } else if (message instanceof ToolExecutionResultMessage result) {
            map.put("role", "tool");
            map.put("tool_call_id", result.id());
            map.put("name", result.toolName());
            map.put("content", result.text());
        } else if (message instanceof CustomMessage custom) {
            map.put("role", "custom");
            map.put("content", new LinkedHashMap<>(custom.attributes()));
        } else {
            map.put("role", message == null ? "unknown" : message.type().name().toLowerCase(Locale.ROOT));
            map.put("content", message == null ? null : message.toString());
        }
        return map;
    }

    private static List<Map<String, Object>> contents(List<Content> contents) {
        List<Map<String, Object>> parts = new ArrayList<>(contents.size());
        for (Content content : contents) {
            Map<String, Object> part = new LinkedHashMap<>();
            if (content instanceof TextContent text) {
                part.put("type", "text");
                part.put("text", text.text());
            } else if (content instanceof ImageContent image) {
                part.put("type", "image_url");
                part.put("image_url", Map.of("url", imageUrl(image.image())));
            } else {
                // Audio, video, PDF and contents of newer versions: recorded by type, without their data.
                part.put("type", content.type() == null ? "unknown" : content.type().name().toLowerCase(Locale.ROOT));
            }
            parts.add(part);
        }
        return parts;
    }

    private static String imageUrl(@Nullable Image image) {
        if (image == null) {
            return "";
        }
        if (image.url() != null) {
            return image.url().toString();
        }
        return "data:" + (image.mimeType() == null ? "image" : image.mimeType()) + ";base64," + OMITTED_DATA;
    }

    /** The text of a user message: its single text, or its text parts joined by new lines. */
    static String userText(@Nullable UserMessage user) {
        if (user == null) {
            return "";
        }
        if (user.hasSingleText()) {
            return user.singleText();
        }
        StringBuilder sb = new StringBuilder();
        for (Content content : user.contents()) {
            if (content instanceof TextContent text) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(text.text());
            }
        }
        return sb.toString();
    }

    static List<Map<String, Object>> toolCalls(List<ToolExecutionRequest> requests) {
        List<Map<String, Object>> calls = new ArrayList<>(requests.size());
        for (ToolExecutionRequest request : requests) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", request.name());
            function.put("arguments", request.arguments() == null ? "{}" : request.arguments());
            Map<String, Object> call = new LinkedHashMap<>();
            if (request.id() != null) {
                call.put("id", request.id());
            }
            call.put("type", "function");
            call.put("function", function);
            calls.add(call);
        }
        return calls;
    }

    /** Tool definitions in the OpenAI format, or {@code null} when there are none. */
    static @Nullable List<Map<String, Object>> tools(@Nullable List<ToolSpecification> specifications) {
        if (specifications == null || specifications.isEmpty()) {
            return null;
        }
        List<Map<String, Object>> tools = new ArrayList<>(specifications.size());
        for (ToolSpecification specification : specifications) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", specification.name());
            if (specification.description() != null) {
                function.put("description", specification.description());
            }
            function.put("parameters", schema(specification));
            tools.add(Map.of("type", "function", "function", function));
        }
        return tools;
    }

    private static Map<String, Object> schema(ToolSpecification specification) {
        if (specification.parameters() == null) {
            return Map.of("type", "object", "properties", Map.of());
        }
        try {
            return JsonSchemaElementUtils.toMap(specification.parameters());
        } catch (RuntimeException | LinkageError e) {
            // An internal LangChain4j helper: if a future version moves it, the definition degrades to its shape.
            return Map.of("type", "object");
        }
    }

    /** The request parameters other than messages, tools and tool choice, or {@code null} when none is set. */
    static @Nullable Map<String, Object> parameters(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        if (p == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        putIfNotNull(map, "temperature", p.temperature());
        putIfNotNull(map, "top_p", p.topP());
        putIfNotNull(map, "top_k", p.topK());
        putIfNotNull(map, "frequency_penalty", p.frequencyPenalty());
        putIfNotNull(map, "presence_penalty", p.presencePenalty());
        putIfNotNull(map, "max_tokens", p.maxOutputTokens());
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            map.put("stop", List.copyOf(p.stopSequences()));
        }
        if (p.responseFormat() != null && p.responseFormat().type() != null) {
            map.put("response_format", p.responseFormat().type().name().toLowerCase(Locale.ROOT));
        }
        return map.isEmpty() ? null : map;
    }

    private static void putIfNotNull(Map<String, Object> map, String key, @Nullable Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The text of the first system message, or {@code null}. */
    static @Nullable String systemMessage(List<ChatMessage> messages) {
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage system) {
                return system.text();
            }
        }
        return null;
    }

    /** The prompt: the text of the last user message, else of the last message with text. */
    static String prompt(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                return userText(user);
            }
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage message = messages.get(i);
            if (message instanceof ToolExecutionResultMessage result && result.text() != null) {
                return result.text();
            }
            if (message instanceof SystemMessage system) {
                return system.text();
            }
        }
        return "";
    }

    /**
     * The token usage, with cached and reasoning tokens where the provider's usage type reports them. Provider usage
     * types (OpenAI's {@code inputTokensDetails().cachedTokens()}, Anthropic's {@code cacheReadInputTokens()}, ...)
     * live in provider modules this module does not depend on, so they are read by method name.
     */
    static @Nullable TokenUsage usage(dev.langchain4j.model.output.@Nullable TokenUsage usage) {
        if (usage == null) {
            return null;
        }
        Integer input = usage.inputTokenCount();
        Integer output = usage.outputTokenCount();
        Integer total = usage.totalTokenCount();
        Integer cached = firstInteger(usage, "inputTokensDetails.cachedTokens", "cacheReadInputTokens",
                "cachedContentTokenCount");
        Integer reasoning = firstInteger(usage, "outputTokensDetails.reasoningTokens", "thoughtsTokenCount",
                "reasoningTokens");
        if (input == null && output == null && total == null) {
            return null;
        }
        return new TokenUsage(input, output, total, cached, reasoning);
    }

    private static @Nullable Integer firstInteger(Object target, String... paths) {
        for (String path : paths) {
            Object value = target;
            for (String name : path.split("\\.")) {
                value = value == null ? null : call(value, name);
            }
            if (value instanceof Number number) {
                return number.intValue();
            }
        }
        return null;
    }

    /** The {@code text()} of a value whose type this module cannot name (it is newer than 1.11). */
    static @Nullable String text(@Nullable Object value) {
        Object text = value == null ? null : call(value, "text");
        return text instanceof String s ? s : null;
    }

    private static @Nullable Object call(Object target, String methodName) {
        Method method = ACCESSORS.get(target.getClass()).get(methodName);
        if (method == null) {
            return null;
        }
        try {
            return method.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Public no-argument methods per class, looked up once. */
    private static final ClassValue<Map<String, Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            Map<String, Method> methods = new LinkedHashMap<>();
            for (Method method : type.getMethods()) {
                if (method.getParameterCount() == 0 && !method.getDeclaringClass().equals(Object.class)) {
                    try {
                        method.setAccessible(true);
                        methods.putIfAbsent(method.getName(), method);
                    } catch (RuntimeException e) {
                        // Not accessible (module rules): that field is simply not reported.
                    }
                }
            }
            return methods;
        }
    };
}
