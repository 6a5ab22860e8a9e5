package com.insidellm.internal.processing;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventProcessor;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Removes prompt, response and other conversation content from events when content capture is off, keeping what
 * analytics needs (types, models, tools, token usage, timings, costs, errors). Required text fields become
 * {@value #OMITTED}; required structures become empty; optional ones become {@code null}. Stateless.
 */
public final class ContentFilter implements EventProcessor {

    /** What replaces required text when content capture is off: {@value}. */
    public static final String OMITTED = CallRecorder.NOT_CAPTURED;

    public static final ContentFilter INSTANCE = new ContentFilter();

    private ContentFilter() {
    }

    @Override
    public Event process(Event event) {
        return switch (event.type()) {
            case USER_INPUT -> strip(event, "input_text", OMITTED, "session_context", null);
            case USER_FEEDBACK -> strip(event, "feedback_text", null);
            case AGENT_REASONING -> strip(event, "reasoning_steps", List.of());
            case AGENT_RESPONSE -> strip(event, "response_text", OMITTED);
            case LLM_REQUEST -> strip(event, "prompt", OMITTED, "system_message", null, "messages", null);
            case LLM_RESPONSE -> strip(event, "response_text", OMITTED, "response_message", null);
            case LLM_STREAMING_CHUNK -> strip(event, "chunk_text", OMITTED);
            case TOOL_CALL -> strip(event, "parameters", Map.of());
            case TOOL_RESPONSE -> strip(event, "response_data", null);
            case FUNCTION_EXECUTION -> strip(event, "function_args", Map.of(), "return_value", null);
            case API_REQUEST -> strip(event, "headers", null, "parameters", null, "request_body", null);
            case API_RESPONSE -> strip(event, "response_headers", null, "response_body", null);
            case CHAIN_START -> strip(event, "inputs", null);
            case CHAIN_END -> strip(event, "outputs", null);
            case RETRIEVAL_START -> strip(event, "query", OMITTED);
            case RETRIEVAL_END -> strip(event, "query", OMITTED, "documents", null);
            default -> event;
        };
    }

    private static Event strip(Event event, @Nullable Object... keysAndReplacements) {
        Map<String, @Nullable Object> payload = event.payload();
        boolean changed = false;
        for (int i = 0; i < keysAndReplacements.length; i += 2) {
            String key = (String) keysAndReplacements[i];
            if (payload.get(key) != null && !payload.get(key).equals(keysAndReplacements[i + 1])) {
                changed = true;
                break;
            }
        }
        if (!changed) {
            return event;
        }
        Event.Builder builder = event.toBuilder();
        for (int i = 0; i < keysAndReplacements.length; i += 2) {
            String key = (String) keysAndReplacements[i];
            if (payload.containsKey(key)) {
                builder.payloadEntry(key, keysAndReplacements[i + 1]);
            }
        }
        return builder.build();
    }
}
