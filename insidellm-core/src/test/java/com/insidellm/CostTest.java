package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CostTest {

    private final PriceTable prices = PriceTable.defaults();

    @Test
    void shippedTableIsVersionedDatedAndCoversTheFourProviders() {
        assertThat(prices.version()).isNotBlank();
        assertThat(prices.updated()).isAfter(LocalDate.of(2025, 1, 1));
        assertThat(prices.models()).contains("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-pro",
                "mistral-large");
    }

    @Test
    void costCountsUncachedCachedAndOutputTokensAtTheirPrices() {
        // gpt-4o: $2.50 input, $1.25 cached input, $10.00 output per million tokens.
        TokenUsage usage = new TokenUsage(1_000_000, 500_000, null, 400_000, null);
        assertThat(prices.cost("gpt-4o", usage)).isCloseTo(600_000 * 2.5e-6 + 400_000 * 1.25e-6 + 500_000 * 1e-5,
                within(1e-9));
        // claude-sonnet-4-5: $3 input, $15 output.
        assertThat(prices.cost("claude-sonnet-4-5", TokenUsage.of(1000, 200))).isCloseTo(0.003 + 0.003,
                within(1e-12));
        // No cached price (gpt-4): cached tokens are charged as input.
        assertThat(prices.cost("gpt-4", new TokenUsage(1000, 0, null, 1000, null))).isCloseTo(0.03, within(1e-12));
    }

    @Test
    void datedProviderPrefixedAndAliasedNamesMatchButUnknownModelsGetNoCost() {
        assertThat(prices.price("gpt-4o-2024-08-06")).isEqualTo(prices.price("gpt-4o"));
        assertThat(prices.price("GPT-4o")).isEqualTo(prices.price("gpt-4o"));
        assertThat(prices.price("openai/gpt-4o-mini")).isEqualTo(prices.price("gpt-4o-mini"));
        assertThat(prices.price("claude-sonnet-4-5-20250929")).isEqualTo(prices.price("claude-sonnet-4-5"));
        assertThat(prices.price("models/gemini-2.0-flash-001")).isEqualTo(prices.price("gemini-2.0-flash"));
        assertThat(prices.price("mistral-large-latest")).isEqualTo(prices.price("mistral-large"));
        assertThat(prices.price("gpt-4o-mini")).isNotEqualTo(prices.price("gpt-4o"));
        assertThat(prices.price("gpt-4o-audio-preview")).isNull();
        assertThat(prices.price("my-local-llama")).isNull();
        assertThat(prices.cost("my-local-llama", TokenUsage.of(10, 10))).isNull();
        assertThat(prices.cost("gpt-4o", new TokenUsage(10, null, null, null, null))).isNull();
    }

    @Test
    void overridesAndAdditionsLeaveTheDefaultsUntouched() {
        PriceTable custom = prices.with("gpt-4o", ModelPrice.perMillion(1.0, 2.0))
                .with("my-fine-tune", ModelPrice.perMillion(3.0, 0.3, 12.0));
        assertThat(custom.cost("gpt-4o", TokenUsage.of(1_000_000, 1_000_000))).isEqualTo(3.0);
        assertThat(custom.cost("my-fine-tune", TokenUsage.of(1_000_000, 0))).isEqualTo(3.0);
        assertThat(custom.version()).endsWith("+custom");
        assertThat(prices.cost("gpt-4o", TokenUsage.of(1_000_000, 1_000_000))).isEqualTo(12.5);
        assertThatThrownBy(() -> ModelPrice.perMillion(-1, 1)).hasMessageContaining("input must be a non-negative");
    }

    @Test
    void clientFillsCostOfLlmResponsesWithUsageButNoCost() {
        CapturingExporter exporter = new CapturingExporter();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.trackLlmCall("gpt-4o", "openai", "a", () -> LlmCallResult.of("x", TokenUsage.of(1000, 100)));
                tracker.trackLlmCall("gpt-4o", "openai", "b", () -> LlmCallResult.builder("y")
                        .usage(TokenUsage.of(1000, 100)).responseModel("gpt-4o-mini-2024-07-18").build());
                tracker.trackLlmCall("gpt-4o", "openai", "c", () -> LlmCallResult.builder("z")
                        .usage(TokenUsage.of(1000, 100)).cost(9.99).build());
                tracker.trackLlmCall("local-llama", "ollama", "d",
                        () -> LlmCallResult.of("w", TokenUsage.of(1000, 100)));
                tracker.trackLlmCall("gpt-4o", "openai", "e", () -> "no usage");
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        var responses = exporter.ofType("llm.response");
        assertThat(responses.get(0).get("payload").get("cost").asDouble()).isCloseTo(0.0035, within(1e-12));
        assertThat(responses.get(1).get("payload").get("cost").asDouble()).isCloseTo(0.00021, within(1e-12));
        assertThat(responses.get(2).get("payload").get("cost").asDouble()).isEqualTo(9.99);
        assertThat(responses.get(3).get("payload").get("cost").isNull()).isTrue();
        assertThat(responses.get(4).get("payload").get("cost").isNull()).isTrue();
    }

    @Test
    void anEmptyTableTurnsCostEstimationOff() {
        CapturingExporter exporter = new CapturingExporter();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).prices(PriceTable.empty()).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.trackLlmCall("gpt-4o", "openai", "a", () -> LlmCallResult.of("x", TokenUsage.of(1000, 100)));
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(exporter.single("llm.response").get("payload").get("cost").isNull()).isTrue();
    }

    @Test
    void theCostIsFilledOnceBeforeTheApplicationsProcessorsAndATypedPayloadStaysTyped() {
        java.util.List<Event> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CapturingExporter exporter = new CapturingExporter();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).addProcessor(event -> {
            seen.add(event);
            return event;
        }).build()) {
            client.logEvent(Event.of("6a0e2b1c-3d4f-4a5b-8c6d-7e8f9a0b1c2d", "u", new Payload.LlmResponse("gpt-4o",
                    "openai", "ok", null, TokenUsage.of(1000, 100), 5L, null)));
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        double expected = 1000 * 2.5e-6 + 100 * 1e-5;
        assertThat(seen).singleElement().satisfies(event -> assertThat(event.typedPayload())
                .isInstanceOfSatisfying(Payload.LlmResponse.class,
                        typed -> assertThat(typed.cost()).isCloseTo(expected, within(1e-12))));
        assertThat(exporter.single("llm.response").get("payload").get("cost").asDouble())
                .isCloseTo(expected, within(1e-12));
    }
}
