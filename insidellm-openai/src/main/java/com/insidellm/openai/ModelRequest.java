package com.insidellm.openai;

import com.insidellm.Payload;
import java.util.Map;

/**
 * What a wrapper records about one model request: the {@code llm.request} payload, the extra payload entries
 * ({@code tools}, {@code tool_choice}), whether it streams, and which API was called ({@code call_type}).
 */
record ModelRequest(Payload.LlmRequest request, Map<String, Object> extras, boolean stream, String callType) {
}
