package com.insidellm.collector.proxy;

import com.insidellm.ModelPrice;
import com.insidellm.PriceTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Core's price table with each model name's look-up remembered: a look-up lower-cases the name and tries it without
 * date and provider prefixes, which per call was a visible part of recording, for the few model names a gateway
 * sees over and over. Internal. Not thread-safe: confined to the recorder's thread.
 */
final class ModelPrices {

    /** Most model names remembered; names come from upstream answers, so the map is kept bounded. */
    static final int CAPACITY = 1024;

    private final PriceTable table;
    private final Map<String, Optional<ModelPrice>> byModel = new HashMap<>();

    ModelPrices(PriceTable table) {
        this.table = table;
    }

    /** The table's price for {@code model}, or {@code null} when it has none. */
    @Nullable ModelPrice price(String model) {
        Optional<ModelPrice> price = byModel.get(model);
        if (price == null) {
            if (byModel.size() >= CAPACITY) {
                byModel.clear();
            }
            price = Optional.ofNullable(table.price(model));
            byModel.put(model, price);
        }
        return price.orElse(null);
    }
}
