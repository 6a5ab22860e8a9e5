package com.insidellm.spring;

import com.insidellm.opentelemetry.OpenTelemetryExporter;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Sends InsideLLM events to the application's OpenTelemetry as GenAI spans when {@code insidellm-opentelemetry} is
 * on the classpath and an {@code OpenTelemetry} bean exists (Spring Boot's own, on Boot 3.5 and 4, or the
 * application's): the {@link OpenTelemetryExporter} bean is one of the exporters the client is built with, so the
 * runs appear in whatever backend the application's SDK exports to. Turned off with
 * {@code insidellm.opentelemetry.enabled=false}.
 */
@AutoConfiguration(before = InsideLlmAutoConfiguration.class, afterName = {
    "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
    "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"})
@ConditionalOnClass(name = {"com.insidellm.opentelemetry.OpenTelemetryExporter", "io.opentelemetry.api.OpenTelemetry"})
@ConditionalOnBean(type = "io.opentelemetry.api.OpenTelemetry")
@ConditionalOnProperty(prefix = "insidellm.opentelemetry", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(InsideLlmOpenTelemetryProperties.class)
public class InsideLlmOpenTelemetryAutoConfiguration {

    /** The exporter on the application's OpenTelemetry; the client closes it (ending open spans) when it closes. */
    @Bean
    @ConditionalOnMissingBean
    public OpenTelemetryExporter insideLlmOpenTelemetryExporter(OpenTelemetry openTelemetry,
            InsideLlmOpenTelemetryProperties properties) {
        OpenTelemetryExporter.Builder builder = OpenTelemetryExporter.builder().openTelemetry(openTelemetry)
                .dialect(properties.getDialect());
        if (properties.getCaptureContent() != null) {
            builder.captureContent(properties.getCaptureContent());
        }
        return builder.build();
    }
}
