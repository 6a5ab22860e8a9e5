package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InsideLlmMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void reportsDeliveryCountersQueueGaugesAndExportLatency() {
        CapturingExporter exporter = new CapturingExporter();
        InsideLlmMetrics metrics = InsideLlmMetrics.create();
        metrics.bindTo(registry);
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).maxQueueSize(500)
                .deliveryListener(metrics).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.logUserInput("hi");
            }
            client.logEvent(null);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(registry.get("insidellm.events.queued").functionCounter().count()).isEqualTo(3);
            assertThat(registry.get("insidellm.events.sent").functionCounter().count()).isEqualTo(3);
            assertThat(registry.get("insidellm.events.failed").functionCounter().count()).isZero();
            assertThat(registry.get("insidellm.events.dropped").tag("reason", "invalid_event").functionCounter()
                    .count()).isEqualTo(1);
            assertThat(registry.get("insidellm.events.dropped").functionCounters()).hasSize(DropReason.values().length);
            assertThat(registry.get("insidellm.queue.size").gauge().value()).isZero();
            assertThat(registry.get("insidellm.queue.capacity").gauge().value()).isEqualTo(500);
            assertThat(registry.get("insidellm.outbox.size").gauge().value()).as("no outbox").isZero();
            Timer export = registry.get("insidellm.export.duration").tag("exporter", "CapturingExporter")
                    .tag("outcome", "success").timer();
            assertThat(export.count()).isGreaterThanOrEqualTo(1);
        }
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getDescription()).as(meter.getId().getName()).isNotBlank();
            if (meter.getId().getType() != Meter.Type.TIMER) {
                assertThat(meter.getId().getBaseUnit()).as(meter.getId().getName()).isNotBlank();
            }
        }
    }

    @Test
    void failedExportsAreTimedWithAFailureOutcome() {
        EventExporter refusing = batch -> ExportResult.rejected("400 Bad Request");
        InsideLlmMetrics metrics = InsideLlmMetrics.create();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(new CapturingExporter())
                .addExporter(refusing).deliveryListener(metrics).build()) {
            metrics.bindTo(registry);
            client.startRun("user-1");
            assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
            assertThat(registry.get("insidellm.export.duration").tag("outcome", "failure").timer().count())
                    .isEqualTo(1);
            assertThat(registry.get("insidellm.events.failed").functionCounter().count()).isEqualTo(1);
        }
    }

    @Test
    void recordsGenAiTokenUsageDurationAndCostByProviderAndModel() {
        InsideLlmMetrics metrics = InsideLlmMetrics.create();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(new CapturingExporter()).sampleRate(0.0)
                .deliveryListener(metrics).build()) {
            metrics.bindTo(registry);
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.trackLlmCall("gpt-4o", "openai", "a", () -> LlmCallResult.of("x", TokenUsage.of(1000, 100)));
                tracker.trackLlmCall("gpt-4o", "openai", "b", () -> LlmCallResult.of("y", TokenUsage.of(3000, 300)));
                tracker.trackLlmCall("claude-sonnet-4-5", "anthropic", "c", () -> LlmCallResult.builder("z")
                        .usage(TokenUsage.of(10, 10)).cost(0.25).build());
                tracker.logLlmResponse(new Payload.LlmResponse("gpt-4o", "openai", "manual", null,
                        TokenUsage.of(1, 1), 1500L, null), null);
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        DistributionSummary input = registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input")
                .tag("gen_ai.provider.name", "openai").tag("gen_ai.request.model", "gpt-4o")
                .tag("gen_ai.operation.name", "chat").summary();
        assertThat(input.count()).isEqualTo(3);
        assertThat(input.totalAmount()).isEqualTo(4001);
        assertThat(input.getId().getBaseUnit()).isEqualTo("{token}");
        assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output")
                .tag("gen_ai.request.model", "gpt-4o").summary().totalAmount()).isEqualTo(401);
        Timer duration = registry.get("gen_ai.client.operation.duration").tag("gen_ai.request.model", "gpt-4o")
                .timer();
        assertThat(duration.count()).isEqualTo(3);
        assertThat(duration.max(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        // Sampled at 0 %: no event was sent, yet every call is measured, and costs are estimated from the table.
        assertThat(registry.get("insidellm.llm.cost").tag("gen_ai.request.model", "gpt-4o").counter().count())
                .isCloseTo(4001 * 2.5e-6 + 401 * 1e-5, within(1e-12));
        assertThat(registry.get("insidellm.llm.cost").tag("gen_ai.provider.name", "anthropic").counter().count())
                .isEqualTo(0.25);
    }

    @Test
    void capsDistinctModelTags() {
        InsideLlmMetrics metrics = InsideLlmMetrics.create();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(new CapturingExporter())
                .deliveryListener(metrics).build()) {
            metrics.bindTo(registry);
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                for (int i = 0; i < InsideLlmMetrics.MAX_MODELS + 5; i++) {
                    tracker.logLlmResponse(new Payload.LlmResponse("model-" + i, "local", "x", null,
                            TokenUsage.of(1, 1), 1L, null), null);
                }
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(registry.get("gen_ai.client.operation.duration").timers()).hasSize(InsideLlmMetrics.MAX_MODELS + 1);
        assertThat(registry.get("gen_ai.client.operation.duration").tag("gen_ai.request.model", "other").timer()
                .count()).isEqualTo(5);
    }

    @Test
    void metricsNotYetBuiltIntoAClientBindAndReadZero() {
        // Micrometer holds a gauge's object weakly: the application keeps its metrics (a bean, a field); so does
        // the test, or a collection between bind and read makes the gauge read NaN.
        InsideLlmMetrics metrics = InsideLlmMetrics.create();
        metrics.bindTo(registry);
        assertThat(registry.get("insidellm.events.queued").functionCounter().count()).isZero();
        assertThat(registry.get("insidellm.queue.capacity").gauge().value()).isZero();
        assertThat(registry.get("insidellm.outbox.size").gauge().value()).isZero();
        java.lang.ref.Reference.reachabilityFence(metrics);
    }

    @Test
    @SuppressWarnings("deprecation")
    void metricsOfABuiltClientStillReadItsStats() {
        try (InsideLlmClient client = CapturingExporter.clientBuilder(new CapturingExporter()).maxQueueSize(70)
                .build()) {
            InsideLlmMetrics.of(client).bindTo(registry);
            client.startRun("user-1");
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(registry.get("insidellm.events.sent").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("insidellm.queue.capacity").gauge().value()).isEqualTo(70);
        }
    }
}
