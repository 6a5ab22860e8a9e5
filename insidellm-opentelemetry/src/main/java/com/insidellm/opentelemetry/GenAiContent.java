package com.insidellm.opentelemetry;

import static com.insidellm.opentelemetry.GenAiMapping.INPUT_MESSAGES;
import static com.insidellm.opentelemetry.GenAiMapping.LF_INPUT;
import static com.insidellm.opentelemetry.GenAiMapping.LF_OBSERVATION_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.LF_OUTPUT;
import static com.insidellm.opentelemetry.GenAiMapping.OI_INPUT_MESSAGES;
import static com.insidellm.opentelemetry.GenAiMapping.OI_INPUT_MIME;
import static com.insidellm.opentelemetry.GenAiMapping.OI_INPUT_VALUE;
import static com.insidellm.opentelemetry.GenAiMapping.OI_OUTPUT_MESSAGES;
import static com.insidellm.opentelemetry.GenAiMapping.OI_OUTPUT_MIME;
import static com.insidellm.opentelemetry.GenAiMapping.OI_OUTPUT_VALUE;
import static com.insidellm.opentelemetry.GenAiMapping.OI_SPAN_KIND;
import static com.insidellm.opentelemetry.GenAiMapping.OUTPUT_MESSAGES;
import static com.insidellm.opentelemetry.GenAiMapping.SYSTEM_INSTRUCTIONS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Captured content as span attributes, and what the {@link Dialect}s repeat under their own names: messages in the
 * conventions' structured form (role and parts), written as JSON strings because the stable attribute API of every
 * OpenTelemetry version an application may bring has no structured values. The content methods write only when
 * content capture is on. Immutable and thread-safe.
 */
final class GenAiContent {

    private static final String JSON_MIME = "application/json";

    private final Dialect dialect;
    private final boolean captureContent;
    private final ObjectMapper json = new ObjectMapper();

    GenAiContent(Dialect dialect, boolean captureContent) {
        this.dialect = dialect;
        this.captureContent = captureContent;
    }

    /** Whether content (prompts, answers, arguments, documents) is written at all. */
    boolean captured() {
        return captureContent;
    }

    /** A model call's system instructions and input messages, when content is captured. */
    void llmInput(Span span, Map<String, @Nullable Object> p) {
        if (!captureContent) {
            return;
        }
        if (p.get("system_message") instanceof String system) {
            span.setAttribute(SYSTEM_INSTRUCTIONS, toJson(List.of(textPart(system))));
        }
        List<Map<String, Object>> messages = inputMessages(p);
        if (!messages.isEmpty()) {
            String messagesJson = toJson(messages);
            span.setAttribute(INPUT_MESSAGES, messagesJson);
            input(span, messagesJson);
            if (dialect == Dialect.OPENINFERENCE) {
                flatMessages(span, OI_INPUT_MESSAGES, messages);
            }
        }
    }

    /** A model call's answer (text and tool calls) as its output message, when content is captured. */
    void llmOutput(Span span, Map<String, @Nullable Object> p, @Nullable String finish) {
        if (!captureContent) {
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        List<Map<String, Object>> parts = new ArrayList<>();
        Map<?, ?> responseMessage = p.get("response_message") instanceof Map<?, ?> m ? m : null;
        Object text = responseMessage != null && responseMessage.get("content") != null
                ? responseMessage.get("content") : p.get("response_text");
        if (text instanceof String s && !s.isEmpty()) {
            parts.add(textPart(s));
        }
        if (responseMessage != null) {
            toolCallParts(responseMessage.get("tool_calls"), parts);
        }
        message.put("parts", parts);
        message.put("finish_reason", finish == null ? "stop" : finish);
        List<Map<String, Object>> messages = List.of(message);
        String messagesJson = toJson(messages);
        span.setAttribute(OUTPUT_MESSAGES, messagesJson);
        output(span, messagesJson);
        if (dialect == Dialect.OPENINFERENCE) {
            flatMessages(span, OI_OUTPUT_MESSAGES, messages);
        }
    }

    /** {@code messages} in the OpenAI chat format, or the prompt, as the conventions' input messages. */
    private List<Map<String, Object>> inputMessages(Map<String, @Nullable Object> p) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (p.get("messages") instanceof List<?> messages && !messages.isEmpty()) {
            for (Object m : messages) {
                if (!(m instanceof Map<?, ?> msg)) {
                    continue;
                }
                String role = msg.get("role") instanceof String r ? r : "user";
                List<Map<String, Object>> parts = new ArrayList<>();
                Object content = msg.get("content");
                if (role.equals("tool")) {
                    Map<String, Object> part = new LinkedHashMap<>();
                    part.put("type", "tool_call_response");
                    if (msg.get("tool_call_id") != null) {
                        part.put("id", String.valueOf(msg.get("tool_call_id")));
                    }
                    part.put("result", content == null ? "" : content);
                    parts.add(part);
                } else if (content instanceof String s) {
                    parts.add(textPart(s));
                } else if (content instanceof List<?> list) {
                    for (Object item : list) {
                        if (item instanceof Map<?, ?> im && im.get("text") instanceof String t) {
                            parts.add(textPart(t));
                        }
                    }
                }
                toolCallParts(msg.get("tool_calls"), parts);
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("role", role);
                message.put("parts", parts);
                out.add(message);
            }
        } else if (p.get("prompt") instanceof String prompt) {
            out.add(Map.of("role", "user", "parts", List.of(textPart(prompt))));
        }
        return out;
    }

    /** OpenAI-format tool calls as {@code tool_call} parts, arguments parsed to an object when they are JSON. */
    private void toolCallParts(@Nullable Object toolCalls, List<Map<String, Object>> parts) {
        if (!(toolCalls instanceof List<?> calls)) {
            return;
        }
        for (Object c : calls) {
            if (!(c instanceof Map<?, ?> call)) {
                continue;
            }
            Map<?, ?> function = call.get("function") instanceof Map<?, ?> f ? f : call;
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("type", "tool_call");
            if (call.get("id") != null) {
                part.put("id", String.valueOf(call.get("id")));
            }
            part.put("name", String.valueOf(function.get("name")));
            Object args = function.get("arguments");
            if (args instanceof String s) {
                try {
                    args = json.readValue(s, Object.class);
                } catch (JsonProcessingException e) {
                    // Not JSON: keep the string, as the conventions allow.
                }
            }
            part.put("arguments", args);
            parts.add(part);
        }
    }

    private void flatMessages(Span span, String prefix, List<Map<String, Object>> messages) {
        for (int i = 0; i < messages.size(); i++) {
            Map<String, Object> m = messages.get(i);
            span.setAttribute(AttributeKey.stringKey(prefix + i + ".message.role"), String.valueOf(m.get("role")));
            StringBuilder text = new StringBuilder();
            if (m.get("parts") instanceof List<?> parts) {
                for (Object part : parts) {
                    if (part instanceof Map<?, ?> pm && "text".equals(pm.get("type"))) {
                        text.append(pm.get("content"));
                    }
                }
            }
            span.setAttribute(AttributeKey.stringKey(prefix + i + ".message.content"), text.toString());
        }
    }

    /** The dialects' copy of a span's input (Langfuse's input, OpenInference's input value). */
    void input(Span span, String value) {
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_INPUT, value);
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_INPUT_VALUE, value);
            span.setAttribute(OI_INPUT_MIME, JSON_MIME);
        }
    }

    /** The dialects' copy of a span's output. */
    void output(Span span, String value) {
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_OUTPUT, value);
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_OUTPUT_VALUE, value);
            span.setAttribute(OI_OUTPUT_MIME, JSON_MIME);
        }
    }

    /** The dialects' kind of span: Langfuse's observation type, OpenInference's span kind. */
    void kind(Span span, String langfuseType, String openInferenceKind) {
        if (dialect == Dialect.LANGFUSE) {
            span.setAttribute(LF_OBSERVATION_TYPE, langfuseType);
        } else if (dialect == Dialect.OPENINFERENCE) {
            span.setAttribute(OI_SPAN_KIND, openInferenceKind);
        }
    }

    static Map<String, Object> textPart(String text) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("type", "text");
        part.put("content", text);
        return part;
    }

    /** A value as JSON text; a string as it is. */
    String toJson(@Nullable Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
