package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
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

    /**
     * The client's meters: delivery, queue, export latency, and GenAI token usage, duration and cost. A
     * {@link com.insidellm.DeliveryListener}, so the auto-configured client is built with it.
     */
    @Bean
    @ConditionalOnMissingBean
    public InsideLlmMetrics insideLlmMetrics() {
        return InsideLlmMetrics.create();
    }

    /**
     * Points the metrics at the client once every bean exists, for an application that declares its own client bean
     * (not built with the metrics as a listener): its counters and gauges, read from {@code stats()}, still report.
     * For the auto-configured client this is the client the metrics were built into already.
     */
    @Bean
    static SmartInitializingSingleton insideLlmMetricsClient(ObjectProvider<InsideLlmClient> client,
            ObjectProvider<InsideLlmMetrics> metrics) {
        return () -> metrics.ifAvailable(m -> client.ifUnique(m::onClientBuilt));
    }
}
