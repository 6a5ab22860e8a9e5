package com.insidellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.internal.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Model prices used to fill in the {@code cost} of {@code llm.response} events that report token usage but no cost.
 *
 * <p>{@link #defaults()} is the table shipped with the SDK (the resource {@code com/insidellm/prices.json}, with its
 * {@link #version()} and {@link #updated()} date) for current OpenAI, Anthropic, Google Gemini and Mistral models.
 * Providers change prices: check the table against their price lists, and correct or extend it with
 * {@link #with(String, ModelPrice)}:
 *
 * <pre>{@code
 * InsideLlmClient.builder()
 *         .prices(PriceTable.defaults()
 *                 .with("gpt-4o", ModelPrice.perMillion(2.50, 1.25, 10.00))      // override
 *                 .with("my-fine-tune", ModelPrice.perMillion(3.00, 12.00)))       // addition
 *         ...
 * }</pre>
 *
 * <p>A model name matches an entry exactly (ignoring case), after removing a {@code provider/} or {@code models/}
 * prefix, or after removing a date or version suffix ({@code gpt-4o-2024-08-06}, {@code claude-sonnet-4-5-20250929},
 * {@code gemini-2.0-flash-001}, {@code -latest}). Anything else is unknown and gets no cost: the table never guesses.
 * Immutable and thread-safe.
 */
public final class PriceTable {

    private static final String RESOURCE = "/com/insidellm/prices.json";
    private static final Pattern SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{3,4}|latest)$");
    private static final PriceTable EMPTY = new PriceTable(Map.of(), "none", null);

    private final Map<String, ModelPrice> prices;
    private final String version;
    private final @Nullable LocalDate updated;

    private PriceTable(Map<String, ModelPrice> prices, String version, @Nullable LocalDate updated) {
        this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
        this.version = version;
        this.updated = updated;
    }

    /** The price table shipped with the SDK. */
    public static PriceTable defaults() {
        return Defaults.TABLE;
    }

    /** A table without prices: no cost is ever filled in. */
    public static PriceTable empty() {
        return EMPTY;
    }

    /** A copy of this table in which {@code model} (matched case-insensitively) costs {@code price}. */
    public PriceTable with(String model, ModelPrice price) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(price, "price");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        Map<String, ModelPrice> copy = new LinkedHashMap<>(prices);
        copy.put(model.trim().toLowerCase(Locale.ROOT), price);
        return new PriceTable(copy, version.endsWith("+custom") ? version : version + "+custom", updated);
    }

    /** The price of {@code model}, or {@code null} when the table does not know it. */
    public @Nullable ModelPrice price(String model) {
        String name = model.trim().toLowerCase(Locale.ROOT);
        ModelPrice price = lookup(name);
        if (price == null) {
            int slash = name.lastIndexOf('/');
            if (slash >= 0 && slash < name.length() - 1) {
                price = lookup(name.substring(slash + 1));
            }
        }
        return price;
    }

    private @Nullable ModelPrice lookup(String name) {
        ModelPrice price = prices.get(name);
        if (price == null) {
            String base = SUFFIX.matcher(name).replaceFirst("");
            if (!base.equals(name)) {
                price = prices.get(base);
            }
        }
        return price;
    }

    /** The cost in US dollars of a call to {@code model} with {@code usage}, or {@code null} when unknown. */
    public @Nullable Double cost(String model, TokenUsage usage) {
        ModelPrice price = price(model);
        return price == null ? null : price.cost(usage);
    }

    /** The models the table knows (lower case). */
    public Set<String> models() {
        return prices.keySet();
    }

    /** The table's version ({@code +custom} once changed with {@link #with}). */
    public String version() {
        return version;
    }

    /** When the shipped prices were last checked, or {@code null} for a table without that date. */
    public @Nullable LocalDate updated() {
        return updated;
    }

    @Override
    public String toString() {
        return "PriceTable{version=" + version + ", updated=" + updated + ", models=" + prices.size() + "}";
    }

    static PriceTable load(InputStream in) throws IOException {
        JsonNode root = WireJson.mapper().readTree(in);
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.path("models").properties()) {
            JsonNode node = entry.getValue();
            JsonNode cached = node.get("cached_input");
            ModelPrice price = new ModelPrice(node.get("input").asDouble(),
                    cached == null || cached.isNull() ? null : cached.asDouble(), node.get("output").asDouble());
            prices.put(entry.getKey().toLowerCase(Locale.ROOT), price);
            for (JsonNode alias : node.path("aliases")) {
                prices.put(alias.asText().toLowerCase(Locale.ROOT), price);
            }
        }
        String updated = root.path("updated").asText(null);
        return new PriceTable(prices, root.path("version").asText("unknown"),
                updated == null ? null : LocalDate.parse(updated));
    }

    /** Loads the shipped table on first use. */
    private static final class Defaults {
        static final PriceTable TABLE = loadDefaults();

        private static PriceTable loadDefaults() {
            try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("InsideLLM price table " + RESOURCE + " is missing from the jar");
                }
                return load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("InsideLLM price table " + RESOURCE + " cannot be read", e);
            }
        }
    }
}
