package com.insidellm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an LLM call returned, in the detail an {@code llm.response} event records: text, the assistant message, finish
 * reason, token usage, cost and the provider's response id and model.
 *
 * <p>Return it from the call given to {@link InsideLlmTracker#trackLlmCall(String, String, String, TrackedCall)} (or
 * map the provider's response to it) and the tracker records every field it holds. When {@code cost} is absent but
 * {@code usage} is present, the client fills in the cost from its {@link PriceTable}.
 *
 * <pre>{@code
 * LlmCallResult result = tracker.trackLlmCall("gpt-4o", "openai", prompt, () -> {
 *     ChatResponse r = openAi.chat(prompt);
 *     return LlmCallResult.builder(r.text()).finishReason(r.finishReason())
 *             .usage(TokenUsage.of(r.inputTokens(), r.outputTokens())).build();
 * });
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 *
 * @param responseText the text the model answered
 * @param responseMessage the assistant message in the OpenAI chat format ({@code role}, {@code content},
 *     {@code tool_calls}), or {@code null}
 * @param finishReason why the model stopped ({@code stop}, {@code length}, {@code tool_calls}...), or {@code null}
 * @param usage the tokens the provider reported, or {@code null}
 * @param cost the cost in US dollars, or {@code null} to let the client estimate it from {@code usage}
 * @param responseId the provider's id of the response, or {@code null}
 * @param responseModel the model that actually answered (for example a dated snapshot), or {@code null}
 */
public record LlmCallResult(String responseText, @Nullable Map<String, ?> responseMessage,
        @Nullable String finishReason, @Nullable TokenUsage usage, @Nullable Double cost, @Nullable String responseId,
        @Nullable String responseModel) {

    public LlmCallResult {
        Objects.requireNonNull(responseText, "responseText");
        if (responseMessage != null) {
            responseMessage = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(responseMessage));
        }
        if (cost != null && !(cost >= 0)) {
            throw new IllegalArgumentException("cost must be a non-negative number of dollars, but was " + cost);
        }
    }

    /** A result with only text. */
    public static LlmCallResult of(String responseText) {
        return new LlmCallResult(responseText, null, null, null, null, null, null);
    }

    /** A result with text and token usage. */
    public static LlmCallResult of(String responseText, TokenUsage usage) {
        return new LlmCallResult(responseText, null, null, Objects.requireNonNull(usage, "usage"), null, null, null);
    }

    /** Returns a builder for a result with {@code responseText}. */
    public static Builder builder(String responseText) {
        return new Builder(responseText);
    }

    /** Builds an {@link LlmCallResult}. Not thread-safe. */
    public static final class Builder {
        private final String responseText;
        private @Nullable Map<String, ?> responseMessage;
        private @Nullable String finishReason;
        private @Nullable TokenUsage usage;
        private @Nullable Double cost;
        private @Nullable String responseId;
        private @Nullable String responseModel;

        private Builder(String responseText) {
            this.responseText = Objects.requireNonNull(responseText, "responseText");
        }

        /** The assistant message in the OpenAI chat format. */
        public Builder responseMessage(@Nullable Map<String, ?> responseMessage) {
            this.responseMessage = responseMessage;
            return this;
        }

        /** Why the model stopped. */
        public Builder finishReason(@Nullable String finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        /** The tokens the provider reported. */
        public Builder usage(@Nullable TokenUsage usage) {
            this.usage = usage;
            return this;
        }

        /** The cost in US dollars; leave unset to have it estimated from the usage. */
        public Builder cost(@Nullable Double cost) {
            this.cost = cost;
            return this;
        }

        /** The provider's id of the response. */
        public Builder responseId(@Nullable String responseId) {
            this.responseId = responseId;
            return this;
        }

        /** The model that actually answered. */
        public Builder responseModel(@Nullable String responseModel) {
            this.responseModel = responseModel;
            return this;
        }

        /** Builds the result. */
        public LlmCallResult build() {
            return new LlmCallResult(responseText, responseMessage, finishReason, usage, cost, responseId,
                    responseModel);
        }
    }
}
