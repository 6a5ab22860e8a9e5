package com.insidellm.threading;

import com.insidellm.threading.ConversationThreads.Message;
import com.insidellm.threading.ConversationThreads.ToolCall;
import com.insidellm.threading.ConversationThreads.UserBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Messages in the OpenAI chat format as {@link ConversationThreads.Message}s: what a gateway or a provider SDK wrapper
 * sees. Stateless.
 */
final class ChatFormat {

    private ChatFormat() {
    }

    static List<Message> messages(List<? extends Map<String, ?>> messages) {
        List<Message> out = new ArrayList<>(messages.size());
        ToolNames toolNames = new ToolNames();
        for (Map<String, ?> message : messages) {
            out.add(fromChat(message, toolNames));
        }
        return out;
    }

    /** The names of the tools a request's assistant messages call, by call id; the map only when there are calls. */
    private static final class ToolNames {
        private @Nullable Map<String, String> byCallId;

        void put(String callId, String name) {
            if (byCallId == null) {
                byCallId = new HashMap<>();
            }
            byCallId.put(callId, name);
        }

        @Nullable String get(String callId) {
            return byCallId == null ? null : byCallId.get(callId);
        }
    }

    private static Message fromChat(Map<String, ?> message, ToolNames toolNames) {
        Object role = message.get("role");
        Object content = message.get("content");
        if ("system".equals(role) || "developer".equals(role)) {
            return Message.system(text(content));
        }
        if ("user".equals(role)) {
            if (!(content instanceof List<?> parts)) {
                return Message.user(text(content));
            }
            UserBuilder user = Message.userBuilder();
            for (Object part : parts) {
                Map<?, ?> map = part instanceof Map<?, ?> m ? m : Map.of();
                Object type = map.get("type");
                if ("text".equals(type)) {
                    user.text(text(map.get("text")));
                } else if ("image_url".equals(type)) {
                    Object image = map.get("image_url");
                    user.image(image instanceof Map<?, ?> i ? i.get("url") : image);
                } else {
                    user.other(String.valueOf(type).toUpperCase(java.util.Locale.ROOT));
                }
            }
            return user.build();
        }
        if ("assistant".equals(role)) {
            List<ToolCall> calls = new ArrayList<>();
            if (message.get("tool_calls") instanceof List<?> toolCalls) {
                for (Object call : toolCalls) {
                    Map<?, ?> map = call instanceof Map<?, ?> m ? m : Map.of();
                    Map<?, ?> function = map.get("function") instanceof Map<?, ?> f ? f : Map.of();
                    String name = String.valueOf(function.get("name"));
                    calls.add(new ToolCall(name, text(function.get("arguments"))));
                    if (map.get("id") != null) {
                        toolNames.put(String.valueOf(map.get("id")), name);
                    }
                }
            }
            return Message.assistant(text(content), calls);
        }
        if ("tool".equals(role)) {
            Object name = message.get("name");
            return Message.toolResult(name != null ? String.valueOf(name)
                    : toolNames.get(String.valueOf(message.get("tool_call_id"))), text(content));
        }
        return Message.other(String.valueOf(role).toUpperCase(java.util.Locale.ROOT), text(content));
    }

    private static @Nullable String text(@Nullable Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Map<?, ?> map && map.get("text") != null) {
                    sb.append(sb.length() == 0 ? "" : "\n").append(map.get("text"));
                }
            }
            return sb.toString();
        }
        return value.toString();
    }
}
