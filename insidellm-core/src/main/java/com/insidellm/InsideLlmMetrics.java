package com.insidellm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
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
 * InsideLlmMetrics metrics = InsideLlmMetrics.create();
 * InsideLlmClient client = InsideLlmClient.builder().apiKey(key).deliveryListener(metrics).build();
 * metrics.bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type, unit</th><th>tags</th></tr>
 * <tr><td>{@code insidellm.events.queued}, {@code .sent}, {@code .failed}</td><td>counter, events</td><td></td></tr>
 * <tr><td>{@code insidellm.events.dropped}</td><td>counter, events</td><td>{@code reason}</td></tr>
 * <tr><td>{@code insidellm.queue.size}, {@code insidellm.queue.capacity}</td><td>gauge, events</td><td></td></tr>
 * <tr><td>{@code insidellm.outbox.size}</td><td>gauge, events</td><td></td></tr>
 * <tr><td>{@code insidellm.export.retries}</td><td>counter, requests</td><td></td></tr>
 * <tr><td>{@code insidellm.export.duration}</td><td>timer</td><td>{@code exporter}, {@code outcome}</td></tr>
 * <tr><td>{@code gen_ai.client.token.usage}</td><td>distribution summary, {@code {token}}</td>
 *     <td>{@code gen_ai.token.type} ({@code input}/{@code output}), {@code gen_ai.provider.name},
 *     {@code gen_ai.request.model}, {@code gen_ai.operation.name}</td></tr>
 * <tr><td>{@code gen_ai.client.operation.duration}</td><td>timer</td><td>provider, model, operation</td></tr>
 * <tr><td>{@code insidellm.llm.cost}</td><td>counter, USD</td><td>provider, model</td></tr>
 * </table>
 *
 * <p>The metrics are a {@link DeliveryListener} of the client they measure: the client tells them about every
 * {@code llm.response} before sampling, so the LLM meters count every call, with the cost the client filled in from
 * its {@link PriceTable} (computed once, for the metrics and the event sent), and about every export. At most
 * {@value #MAX_MODELS} distinct model names are tagged; further ones are tagged {@code other}. Micrometer is an
 * optional dependency: this is the only class that uses it. Thread-safe; {@link #bindTo} may be called for several
 * registries.
 */
public final class InsideLlmMetrics implements MeterBinder, DeliveryListener {

    /** The most distinct {@code gen_ai.request.model} tag values: {@value}. */
    public static final int MAX_MODELS = 100;
    private static final String OPERATION = "chat";

    private volatile InsideLlmClient client;
    private final List<Bound> registries = new CopyOnWriteArrayList<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();

    private InsideLlmMetrics(InsideLlmClient client) {
        this.client = client;
    }

    /**
     * Metrics to add to a client's builder with {@link InsideLlmClient.Builder#deliveryListener(DeliveryListener)};
     * the client they are built into is the one they measure. Until then they read zero.
     */
    public static InsideLlmMetrics create() {
        return new InsideLlmMetrics(InsideLlmClient.noop());
    }

    /**
     * Metrics of a client that was built without them: only the meters read from {@link InsideLlmClient#stats()}
     * (events queued, sent, failed and dropped, queue size and capacity, retries). The export and LLM meters need the
     * client to tell them what happens: use {@link #create()} and add them to the builder instead.
     *
     * @deprecated add {@link #create()} to the client's builder; kept so that existing code compiles
     */
    @Deprecated
    public static InsideLlmMetrics of(InsideLlmClient client) {
        return new InsideLlmMetrics(Objects.requireNonNull(client, "client"));
    }

    /** Called by the client these metrics were added to. */
    @Override
    public void onClientBuilt(InsideLlmClient client) {
        this.client = client;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "insidellm.events.queued", "Events accepted into the queue", s -> s.eventsQueued());
        counter(registry, "insidellm.events.sent", "Events the destinations acknowledged", s -> s.eventsSent());
        counter(registry, "insidellm.events.failed", "Events given up on after retries or rejected",
                s -> s.eventsFailed());
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("insidellm.events.dropped", this, m -> m.client.stats().dropped(reason))
                    .description("Events never sent, by reason").baseUnit("events").tag("reason", reason.tag())
                    .register(registry);
        }
        FunctionCounter.builder("insidellm.export.retries", this, m -> m.client.stats().retries())
                .description("Delivery requests retried").baseUnit("requests").register(registry);
        Gauge.builder("insidellm.queue.size", this, m -> m.client.stats().queueSize())
                .description("Events waiting in the queue").baseUnit("events").register(registry);
        Gauge.builder("insidellm.queue.capacity", this, m -> m.client.stats().queueCapacity())
                .description("The most events the queue holds").baseUnit("events").register(registry);
        Gauge.builder("insidellm.outbox.size", this, m -> m.client.stats().outboxSize())
                .description("Events waiting in the disk outbox").baseUnit("events").register(registry);
        registries.add(new Bound(registry));
    }

    private void counter(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ClientStats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.client.stats())).description(description)
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

    @Override
    public void onExported(String exporter, int events, boolean success, Duration duration) {
        for (Bound bound : registries) {
            bound.exported(exporter, success, duration.toNanos());
        }
    }

    @Override
    public void onLlmResponse(Event event) {
        if (registries.isEmpty()) {
            return;
        }
        String provider;
        String model;
        Number input = null;
        Number output = null;
        Double cost;
        Number millis;
        if (event.typedPayload() instanceof Payload.LlmResponse typed) {
            // The record as logged: no payload map is built for metrics.
            provider = typed.provider();
            model = typed.modelName();
            TokenUsage usage = typed.usage();
            if (usage != null) {
                input = usage.promptTokens();
                output = usage.completionTokens();
            }
            cost = typed.cost();
            millis = typed.responseTimeMs();
        } else {
            Map<String, @Nullable Object> payload = event.payload();
            provider = String.valueOf(payload.get("provider"));
            model = String.valueOf(payload.get("model_name"));
            if (payload.get("usage") instanceof Map<?, ?> usage) {
                input = usage.get("prompt_tokens") instanceof Number n ? n : null;
                output = usage.get("completion_tokens") instanceof Number n ? n : null;
            }
            cost = payload.get("cost") instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
            millis = payload.get("response_time_ms") instanceof Number n ? n : null;
        }
        Tags tags = Tags.of("gen_ai.operation.name", OPERATION, "gen_ai.provider.name", provider,
                "gen_ai.request.model", model(model));
        for (Bound bound : registries) {
            bound.llmCall(tags, input, output, millis, cost);
        }
    }
}
