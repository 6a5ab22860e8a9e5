package com.insidellm.internal.processing;

import com.insidellm.Event;
import com.insidellm.EventProcessor;
import com.insidellm.EventType;
import com.insidellm.ModelPrice;
import com.insidellm.Payload;
import com.insidellm.PriceTable;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fills in the {@code cost} of {@code llm.response} events that report token usage but no cost, from a
 * {@link PriceTable}: by {@code response_model} (the exact model that answered) when known, else by
 * {@code model_name}. Unknown models and incomplete usage get no cost. Immutable and thread-safe.
 */
public final class CostProcessor implements EventProcessor {

    private final PriceTable prices;

    public CostProcessor(PriceTable prices) {
        this.prices = prices;
    }

    @Override
    public Event process(Event event) {
        if (event.type() != EventType.LLM_RESPONSE) {
            return event;
        }
        if (event.typedPayload() instanceof Payload.LlmResponse typed) {
            // Read and replace the record: its map is built once, when the event is serialised.
            if (typed.cost() != null || typed.usage() == null) {
                return event;
            }
            ModelPrice price = prices.price(typed.modelName());
            Double cost = price == null ? null : price.cost(typed.usage());
            return cost == null ? event : event.toBuilder().payload(new Payload.LlmResponse(typed.modelName(),
                    typed.provider(), typed.responseText(), typed.finishReason(), typed.usage(),
                    typed.responseTimeMs(), cost)).build();
        }
        Map<String, @Nullable Object> payload = event.payload();
        if (payload.get("cost") != null) {
            return event;
        }
        Double cost = estimate(prices, payload);
        return cost == null ? event : event.toBuilder().payloadEntry("cost", cost).build();
    }

    /**
     * The estimated cost of an {@code llm.response} payload from its usage, by {@code response_model} first, then
     * {@code model_name}; {@code null} when the usage is incomplete or the model unknown.
     */
    public static @Nullable Double estimate(PriceTable prices, Map<String, @Nullable Object> payload) {
        if (!(payload.get("usage") instanceof Map<?, ?> usage)) {
            return null;
        }
        Double cost = null;
        if (payload.get("response_model") instanceof String responseModel) {
            cost = cost(prices, responseModel, usage);
        }
        if (cost == null && payload.get("model_name") instanceof String model) {
            cost = cost(prices, model, usage);
        }
        return cost;
    }

    private static @Nullable Double cost(PriceTable prices, String model, Map<?, ?> usage) {
        ModelPrice price = prices.price(model);
        if (price == null || !(usage.get("prompt_tokens") instanceof Number prompt)
                || !(usage.get("completion_tokens") instanceof Number completion)) {
            return null;
        }
        long cached = usage.get("cached_tokens") instanceof Number n ? n.longValue() : 0;
        return price.cost(prompt.longValue(), cached, completion.longValue());
    }
}
