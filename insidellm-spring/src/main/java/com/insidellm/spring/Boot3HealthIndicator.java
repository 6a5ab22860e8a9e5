package com.insidellm.spring;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** The {@code insidellm} health indicator on Spring Boot 3; see {@link HealthDetails}. Thread-safe. */
final class Boot3HealthIndicator extends AbstractHealthIndicator {

    private final HealthDetails details;

    Boot3HealthIndicator(HealthDetails details) {
        super("InsideLLM health check failed");
        this.details = details;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        (details.up() ? builder.up() : builder.down()).withDetails(details.details());
    }
}
