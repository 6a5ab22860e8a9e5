package com.insidellm;

import com.insidellm.internal.BatchingClient;
import com.insidellm.internal.ClientObserver;
import com.insidellm.internal.processing.CostProcessor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of an {@link InsideLlmClient}: what the SDK itself does (events queued, sent, failed and dropped
 * by reason, queue size and capacity, export latency) and what the recorded LLM calls cost (token usage, duration
 * and cost by provider and model, under the OpenTelemetry GenAI names).
 *
 * <pre>{@code
 * InsideLlmMetrics.of(client).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type, unit</th><th>tags</th></tr>
 * <tr><td>{@code insidellm.events.queued}, {@code .sent}, {@code .failed}</td><td>counter, events</td><td></td></tr>
 * <tr><td>{@code insidellm.events.dropped}</td><td>counter, events</td><td>{@code reason}</td></tr>
 * <tr><td>{@code insidellm.queue.size}, {@code insidellm.queue.capacity}</td><td>gauge, events</td><td></td></tr>
 * <tr><td>{@code insidellm.export.retries}</td><td>counter, requests</td><td></td></tr>
 * <tr><td>{@code insidellm.export.duration}</td><td>timer</td><td>{@code exporter}, {@code outcome}</td></tr>
 * <tr><td>{@code gen_ai.client.token.usage}</td><td>distribution summary, {@code {token}}</td>
 *     <td>{@code gen_ai.token.type} ({@code input}/{@code output}), {@code gen_ai.provider.name},
 *     {@code gen_ai.request.model}, {@code gen_ai.operation.name}</td></tr>
 * <tr><td>{@code gen_ai.client.operation.duration}</td><td>timer</td><td>provider, model, operation</td></tr>
 * <tr><td>{@code insidellm.llm.cost}</td><td>counter, USD</td><td>provider, model</td></tr>
 * </table>
 *
 * <p>LLM meters are recorded from {@code llm.response} events as they are logged, before sampling, so they count every
 * call; their cost is the event's own or, failing that, the client's {@link PriceTable} estimate. At most
 * {@value #MAX_MODELS} distinct model names are tagged; further ones are tagged {@code other}. Micrometer is an
 * optional dependency: this is the only class that uses it. Thread-safe; {@link #bindTo} may be called for several
 * registries.
 */
public final class InsideLlmMetrics implements MeterBinder {

    /** The most distinct {@code gen_ai.request.model} tag values: {@value}. */
    public static final int MAX_MODELS = 100;
    private static final String OPERATION = "chat";

    private final InsideLlmClient client;
    private final List<Bound> registries = new CopyOnWriteArrayList<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final @Nullable PriceTable prices;

    private InsideLlmMetrics(InsideLlmClient client) {
        this.client = client;
        if (client instanceof BatchingClient batching) {
            this.prices = batching.prices();
            batching.addObserver(new Observer());
        } else {
            this.prices = null;
        }
    }

    /** Metrics of {@code client}; bind them to a registry with {@link #bindTo(MeterRegistry)}. */
    public static InsideLlmMetrics of(InsideLlmClient client) {
        return new InsideLlmMetrics(Objects.requireNonNull(client, "client"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "insidellm.events.queued", "Events accepted into the queue", s -> s.eventsQueued());
        counter(registry, "insidellm.events.sent", "Events the destinations acknowledged", s -> s.eventsSent());
        counter(registry, "insidellm.events.failed", "Events given up on after retries or rejected",
                s -> s.eventsFailed());
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("insidellm.events.dropped", client, c -> c.stats().dropped(reason))
                    .description("Events never sent, by reason").baseUnit("events").tag("reason", reason.tag())
                    .register(registry);
        }
        FunctionCounter.builder("insidellm.export.retries", client, c -> c.stats().retries())
                .description("Delivery requests retried").baseUnit("requests").register(registry);
        Gauge.builder("insidellm.queue.size", client, c -> c.stats().queueSize())
                .description("Events waiting in the queue").baseUnit("events").register(registry);
        int capacity = client.stats().queueCapacity();
        Gauge.builder("insidellm.queue.capacity", client, c -> capacity)
                .description("The most events the queue holds").baseUnit("events").register(registry);
        registries.add(new Bound(registry));
    }

    private void counter(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ClientStats> value) {
        FunctionCounter.builder(name, client, c -> value.applyAsDouble(c.stats())).description(description)
                .baseUnit("events").register(registry);
    }

    private String model(String model) {
        if (models.contains(model)) {
            return model;
        }
        if (models.size() < MAX_MODELS) {
            models.add(model);
            return model;
        }
        return "other";
    }

    /** The meters of one registry that are recorded to, rather than read from the client. */
    private static final class Bound {
        final MeterRegistry registry;

        Bound(MeterRegistry registry) {
            this.registry = registry;
        }

        void exported(String exporter, boolean success, long nanos) {
            Timer.builder("insidellm.export.duration").description("Time to deliver a batch to one destination, "
                    + "retries included").tags("exporter", exporter, "outcome", success ? "success" : "failure")
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }

        void llmCall(Tags tags, @Nullable Number input, @Nullable Number output, @Nullable Number millis,
                @Nullable Double cost) {
            if (input != null) {
                tokens(tags, "input").record(input.doubleValue());
            }
            if (output != null) {
                tokens(tags, "output").record(output.doubleValue());
            }
            if (millis != null) {
                Timer.builder("gen_ai.client.operation.duration").description("Duration of GenAI client operations")
                        .tags(tags).register(registry).record(millis.longValue(), TimeUnit.MILLISECONDS);
            }
            if (cost != null) {
                Counter.builder("insidellm.llm.cost").description("Estimated cost of LLM calls").baseUnit("usd")
                        .tags(tags).register(registry).increment(cost);
            }
        }

        private DistributionSummary tokens(Tags tags, String type) {
            return DistributionSummary.builder("gen_ai.client.token.usage")
                    .description("Number of input and output tokens used").baseUnit("{token}")
                    .tags(tags).tag("gen_ai.token.type", type).register(registry);
        }
    }

    private final class Observer implements ClientObserver {

        @Override
        public void exported(String exporter, int events, boolean success, long nanos) {
            for (Bound bound : registries) {
                bound.exported(exporter, success, nanos);
            }
        }

        @Override
        public void llmResponse(Event event) {
            if (registries.isEmpty()) {
                return;
            }
            Map<String, @Nullable Object> payload = event.payload();
            String model = String.valueOf(payload.get("model_name"));
            Tags tags = Tags.of("gen_ai.operation.name", OPERATION,
                    "gen_ai.provider.name", String.valueOf(payload.get("provider")),
                    "gen_ai.request.model", model(model));
            Number input = null;
            Number output = null;
            if (payload.get("usage") instanceof Map<?, ?> usage) {
                input = usage.get("prompt_tokens") instanceof Number n ? n : null;
                output = usage.get("completion_tokens") instanceof Number n ? n : null;
            }
            Double cost = payload.get("cost") instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
            if (cost == null && prices != null) {
                cost = CostProcessor.estimate(prices, payload);
            }
            Number millis = payload.get("response_time_ms") instanceof Number n ? n : null;
            for (Bound bound : registries) {
                bound.llmCall(tags, input, output, millis, cost);
            }
        }
    }
}
