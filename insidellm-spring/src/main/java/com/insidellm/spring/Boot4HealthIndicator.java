package com.insidellm.spring;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** The {@code insidellm} health indicator on Spring Boot 4; see {@link HealthDetails}. Thread-safe. */
final class Boot4HealthIndicator extends AbstractHealthIndicator {

    private final HealthDetails details;

    Boot4HealthIndicator(HealthDetails details) {
        super("InsideLLM health check failed");
        this.details = details;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        (details.up() ? builder.up() : builder.down()).withDetails(details.details());
    }
}
