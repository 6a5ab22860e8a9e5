package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Which calls are forwarded but not recorded: those whose last user message starts with a configured prefix (by
 * default dolphin-logger's {@code ### Task:}, the title and tag requests chat UIs make). Internal; stateless.
 */
final class Suppression {

    private Suppression() {}

    /** Whether the last user message of {@code request} starts (after leading white space) with one of {@code prefixes}. */
    static boolean suppressed(JsonNode request, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return false;
        }
        JsonNode messages = request.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText().equals("user")) {
                String text = Anthropic.text(m.get("content")).stripLeading();
                for (String prefix : prefixes) {
                    if (text.startsWith(prefix)) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }
}
