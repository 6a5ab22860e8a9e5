package com.insidellm;

import org.jspecify.annotations.Nullable;

/**
 * What a model costs, in US dollars per million tokens. Immutable and thread-safe.
 *
 * @param input price of input (prompt) tokens
 * @param cachedInput price of input tokens served from the provider's prompt cache, or {@code null} when the provider
 *     has no discount for them (they are then charged as input)
 * @param output price of output (completion) tokens, reasoning tokens included
 */
public record ModelPrice(double input, @Nullable Double cachedInput, double output) {

    public ModelPrice {
        check("input", input);
        if (cachedInput != null) {
            check("cachedInput", cachedInput);
        }
        check("output", output);
    }

    /** A price without a cached-input discount. */
    public static ModelPrice perMillion(double input, double output) {
        return new ModelPrice(input, null, output);
    }

    /** A price with a cached-input price. */
    public static ModelPrice perMillion(double input, double cachedInput, double output) {
        return new ModelPrice(input, cachedInput, output);
    }

    /**
     * The cost of a call in US dollars: uncached input, cached input and output tokens at their prices, or
     * {@code null} when the usage lacks the input or output count.
     */
    public @Nullable Double cost(TokenUsage usage) {
        if (usage.promptTokens() == null || usage.completionTokens() == null) {
            return null;
        }
        return cost(usage.promptTokens(), usage.cachedTokens() == null ? 0 : usage.cachedTokens(),
                usage.completionTokens());
    }

    /**
     * The cost of a call in US dollars from its token counts; cached tokens are part of the prompt tokens (a count
     * above them is capped to them).
     */
    public double cost(long promptTokens, long cachedTokens, long completionTokens) {
        long cached = Math.max(0, Math.min(cachedTokens, promptTokens));
        double cachedPrice = cachedInput == null ? input : cachedInput;
        return ((promptTokens - cached) * input + cached * cachedPrice + completionTokens * output) / 1_000_000.0;
    }

    private static void check(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a non-negative number of dollars per million "
                    + "tokens, but was " + value);
        }
    }
}
