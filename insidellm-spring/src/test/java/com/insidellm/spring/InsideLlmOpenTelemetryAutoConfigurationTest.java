package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.opentelemetry.Dialect;
import com.insidellm.opentelemetry.OpenTelemetryExporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class InsideLlmOpenTelemetryAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                    InsideLlmOpenTelemetryAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class OpenTelemetryConfig {
        @Bean
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }

        @Bean(destroyMethod = "close")
        OpenTelemetrySdk openTelemetry(InMemorySpanExporter spans) {
            return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExporterConfig {
        @Bean
        OpenTelemetryExporter myExporter(OpenTelemetry openTelemetry) {
            return OpenTelemetryExporter.builder().openTelemetry(openTelemetry).dialect(Dialect.OPENINFERENCE).build();
        }
    }

    /** A model call in a run, logged through the context's client; returns the spans the SDK finished. */
    private static List<SpanData> recordACall(org.springframework.context.ApplicationContext context) {
        InsideLlmClient client = context.getBean(InsideLlmClient.class);
        String run = UUID.randomUUID().toString();
        String request = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-03-01T08:00:00Z");
        client.logEvent(Event.builder(EventType.RUN_START).runId(run).userId("u").timestamp(t)
                .payload(new Payload.RunStart(run, null, null)).build());
        client.logEvent(Event.builder(EventType.LLM_REQUEST).runId(run).userId("u").timestamp(t.plusMillis(1))
                .eventId(request).payload(new Payload.LlmRequest("gpt-4o", "openai", "secret question")).build());
        client.logEvent(Event.builder(EventType.LLM_RESPONSE).runId(run).userId("u").timestamp(t.plusMillis(9))
                .parentEventId(request).payload(new Payload.LlmResponse("gpt-4o", "openai", "answer")).build());
        client.logEvent(Event.builder(EventType.RUN_END).runId(run).userId("u").timestamp(t.plusMillis(10))
                .payload(new Payload.RunEnd(run, 10L, null, "completed")).build());
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        return context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
    }

    @Test
    void withTheModuleAndAnOpenTelemetryBeanRunsBecomeSpansOnTheApplicationsSdk() {
        runner.withUserConfiguration(OpenTelemetryConfig.class).run(context -> {
            assertThat(context).hasSingleBean(OpenTelemetryExporter.class);
            // The exporter alone makes the client a real one, without an API key.
            assertThat(context.getBean(InsideLlmClient.class)).isNotSameAs(InsideLlmClient.noop());
            List<SpanData> spans = recordACall(context);
            assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder("chat gpt-4o", "invoke_agent");
            SpanData chat = spans.stream().filter(s -> s.getName().equals("chat gpt-4o")).findFirst().orElseThrow();
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-4o");
            // Content capture is off unless asked for.
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages"))).isNull();
        });
    }

    @Test
    void propertiesChooseTheDialectAndContentCapture() {
        runner.withUserConfiguration(OpenTelemetryConfig.class)
                .withPropertyValues("insidellm.opentelemetry.dialect=langfuse",
                        "insidellm.opentelemetry.capture-content=true")
                .run(context -> {
                    SpanData chat = recordACall(context).stream().filter(s -> s.getName().equals("chat gpt-4o"))
                            .findFirst().orElseThrow();
                    assertThat(chat.getAttributes().get(AttributeKey.stringKey("langfuse.observation.type")))
                            .isEqualTo("generation");
                    assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
                            .contains("secret question");
                });
    }

    @Test
    void noExporterWithoutAnOpenTelemetryBean() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(OpenTelemetryExporter.class);
            assertThat(context.getBean(InsideLlmClient.class)).isSameAs(InsideLlmClient.noop());
        });
    }

    @Test
    void noExporterWithoutTheModule() {
        runner.withUserConfiguration(OpenTelemetryConfig.class)
                .withClassLoader(new FilteredClassLoader("com.insidellm.opentelemetry"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(InsideLlmOpenTelemetryAutoConfiguration.class);
                    assertThat(context.getBean(InsideLlmClient.class)).isSameAs(InsideLlmClient.noop());
                });
    }

    @Test
    void canBeSwitchedOff() {
        runner.withUserConfiguration(OpenTelemetryConfig.class)
                .withPropertyValues("insidellm.opentelemetry.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(OpenTelemetryExporter.class));
    }

    @Test
    void anExporterBeanOfTheApplicationWins() {
        runner.withUserConfiguration(OpenTelemetryConfig.class, OwnExporterConfig.class).run(context -> {
            assertThat(context).hasSingleBean(OpenTelemetryExporter.class);
            assertThat(context).hasBean("myExporter");
            SpanData chat = recordACall(context).stream().filter(s -> s.getName().equals("chat gpt-4o")).findFirst()
                    .orElseThrow();
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("openinference.span.kind"))).isEqualTo("LLM");
        });
    }
}
