package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Exposes the client's Micrometer metrics ({@link InsideLlmMetrics}, a {@code MeterBinder}) as a bean when Micrometer
 * is present. Spring Boot's metrics auto-configuration (Actuator on Boot 3, {@code spring-boot-micrometer-metrics}
 * on Boot 4) binds every {@code MeterBinder} bean to the application's {@code MeterRegistry}; without it, bind the
 * bean yourself.
 */
@AutoConfiguration(after = InsideLlmAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnSingleCandidate(InsideLlmClient.class)
public class InsideLlmMetricsAutoConfiguration {

    /** The client's meters: delivery, queue, export latency, and GenAI token usage, duration and cost. */
    @Bean
    @ConditionalOnMissingBean
    public InsideLlmMetrics insideLlmMetrics(InsideLlmClient client) {
        return InsideLlmMetrics.of(client);
    }
}
