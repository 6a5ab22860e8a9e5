package com.insidellm.spring;

import com.insidellm.ClientStats;
import com.insidellm.InsideLlmClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code insidellm} health indicator reports, shared by the Spring Boot 3 and 4 indicators: UP while
 * delivery works and the circuit breaker is closed, DOWN otherwise, with the delivery figures and the queue's fill.
 *
 * <p>DOWN only changes the aggregate {@code /actuator/health}; Kubernetes liveness and readiness groups do not
 * include it unless configured to, so an analytics outage never restarts the application. Thread-safe.
 */
final class HealthDetails {

    private final InsideLlmClient client;

    HealthDetails(InsideLlmClient client) {
        this.client = client;
    }

    boolean up() {
        return client.isHealthy();
    }

    Map<String, Object> details() {
        ClientStats stats = client.stats();
        int queueCapacity = stats.queueCapacity();
        boolean enabled = client != InsideLlmClient.noop();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("enabled", enabled);
        details.put("delivery", stats.healthy() ? "ok" : "failing");
        details.put("circuits", client.circuitStates());
        details.put("queueSize", stats.queueSize());
        details.put("queueCapacity", queueCapacity);
        details.put("queueFill", queueCapacity == 0 ? 0.0 : Math.round(1000.0 * stats.queueSize() / queueCapacity)
                / 1000.0);
        // Events a backend outage left in the disk outbox (0 without one): delivered first once it answers again.
        details.put("outboxSize", stats.outboxSize());
        details.put("eventsQueued", stats.eventsQueued());
        details.put("eventsSent", stats.eventsSent());
        details.put("eventsFailed", stats.eventsFailed());
        details.put("eventsDropped", stats.eventsDropped());
        details.put("retries", stats.retries());
        if (stats.lastError() != null) {
            details.put("lastError", stats.lastError());
        }
        return details;
    }
}
