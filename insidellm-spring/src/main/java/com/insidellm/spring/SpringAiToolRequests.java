package com.insidellm.spring;

import com.insidellm.InsideLlmContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;

/**
 * Which recorded model call asked for each tool call that has not run yet. Spring AI 2.0's {@code ChatClient} runs
 * tools after the model call returned, outside its context (and Spring AI 1.1 does the same when the application runs
 * the tools itself): the {@link SpringAiChatModelInterceptor} notes the context of the call whose answer asks for
 * tools, and the {@link SpringAiToolCallingManager} takes it when it runs them, so each {@code tool.call} becomes a
 * child of that call's {@code llm.request}, in its run.
 *
 * <p>Process-wide because the interceptor and the manager are wrapped separately (two beans, or two calls of
 * {@link InsideLlmSpringAi#wrap}); keyed by the tool call's id (random per answer), else its name and arguments.
 * Bounded: tool calls nobody runs are forgotten oldest first. Thread-safe.
 */
final class SpringAiToolRequests {

    /** How many tool calls waiting to run are remembered at most: {@value}. */
    static final int MAX_PENDING = 10_000;

    private static final Object LOCK = new Object();
    private static final Map<String, InsideLlmContext> PENDING = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, InsideLlmContext> eldest) {
            return size() > MAX_PENDING;
        }
    };

    private SpringAiToolRequests() {
    }

    /** Notes that the model call whose events nest in {@code modelCall} asked for {@code requests}. */
    static void asked(List<AssistantMessage.ToolCall> requests, InsideLlmContext modelCall) {
        synchronized (LOCK) {
            for (AssistantMessage.ToolCall request : requests) {
                PENDING.put(key(request), modelCall);
            }
        }
    }

    /** The context of the model call that asked for {@code request}, forgotten once taken; {@code null} if none. */
    static @Nullable InsideLlmContext take(AssistantMessage.ToolCall request) {
        synchronized (LOCK) {
            return PENDING.remove(key(request));
        }
    }

    private static String key(AssistantMessage.ToolCall request) {
        String id = request.id();
        return id != null && !id.isEmpty() ? "id:" + id : request.name() + '\u0000' + request.arguments();
    }
}
