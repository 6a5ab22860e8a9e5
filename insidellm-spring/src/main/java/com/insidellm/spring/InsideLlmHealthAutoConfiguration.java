package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@code insidellm} health indicator when Spring Boot's health support is present: the
 * {@code org.springframework.boot.actuate.health} API on Spring Boot 3, {@code org.springframework.boot.health} on
 * Spring Boot 4. Switched off with {@code management.health.insidellm.enabled=false}.
 */
@AutoConfiguration(after = InsideLlmAutoConfiguration.class)
@ConditionalOnSingleCandidate(InsideLlmClient.class)
@ConditionalOnProperty(prefix = "management.health.insidellm", name = "enabled", matchIfMissing = true)
public class InsideLlmHealthAutoConfiguration {

    /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
    static class Boot3HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "insidellmHealthIndicator")
        Boot3HealthIndicator insidellmHealthIndicator(InsideLlmClient client) {
            return new Boot3HealthIndicator(new HealthDetails(client));
        }
    }

    /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
    static class Boot4HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "insidellmHealthIndicator")
        Boot4HealthIndicator insidellmHealthIndicator(InsideLlmClient client) {
            return new Boot4HealthIndicator(new HealthDetails(client));
        }
    }
}
