package com.insidellm;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Token counts of one LLM call, as reported by the provider. Counts the provider did not report are {@code null}.
 *
 * @param promptTokens input tokens
 * @param completionTokens output tokens
 * @param totalTokens input plus output tokens
 * @param cachedTokens input tokens served from the provider's prompt cache
 * @param reasoningTokens output tokens spent on hidden reasoning
 */
public record TokenUsage(@Nullable Integer promptTokens, @Nullable Integer completionTokens,
        @Nullable Integer totalTokens, @Nullable Integer cachedTokens, @Nullable Integer reasoningTokens) {

    /** Usage with input and output counts; the total is their sum. */
    public static TokenUsage of(int promptTokens, int completionTokens) {
        return new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens, null, null);
    }

    /** The wire form: {@code prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens}. */
    public Map<String, @Nullable Object> toMap() {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        map.put("prompt_tokens", promptTokens);
        map.put("completion_tokens", completionTokens);
        map.put("total_tokens", totalTokens != null ? totalTokens
                : promptTokens != null && completionTokens != null ? Integer.valueOf(promptTokens + completionTokens)
                : null);
        map.put("cached_tokens", cachedTokens);
        map.put("reasoning_tokens", reasoningTokens);
        return map;
    }
}
