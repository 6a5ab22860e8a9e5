package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.Event;
import com.insidellm.ExportResult;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmMetrics;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.Advisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class InsideLlmAutoConfigurationTest {

    private static final String HEALTH_BOOT3 = "org.springframework.boot.actuate.health";
    private static final String HEALTH_BOOT4 = "org.springframework.boot.health.contributor";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                    InsideLlmHealthAutoConfiguration.class, InsideLlmMetricsAutoConfiguration.class));

    @Test
    void withoutApiKeyOrLocalModeTheClientIsTheNoopOneAndAnnotationsStillWork() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(InsideLlmClient.class)).isSameAs(InsideLlmClient.noop());
            assertThat(context).hasBean("insideLlmTrackingAdvisor");
        });
    }

    @Test
    void apiKeyGivesAClientThatSendsToTheConfiguredBaseUrlWithTheMappedSettings() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(202));
            server.start();
            runner.withPropertyValues("insidellm.api-key=test-key", "insidellm.base-url=" + server.url("/"),
                    "insidellm.batch-size=1", "insidellm.gzip=false", "insidellm.flush-interval=100ms")
                    .run(context -> {
                        InsideLlmClient client = context.getBean(InsideLlmClient.class);
                        assertThat(client).isNotSameAs(InsideLlmClient.noop());
                        String runId = UUID.randomUUID().toString();
                        client.logEvent(Event.userInput(runId, "u-1", "hello"));
                        RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
                        assertThat(request).isNotNull();
                        assertThat(request.getPath()).isEqualTo("/api/v1/ingest");
                        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-key");
                        assertThat(request.getHeader("Content-Encoding")).isNull();
                        assertThat(request.getBody().readUtf8()).startsWith("[{").contains("\"input_text\":\"hello\"");
                    });
        }
    }

    @Test
    void outboxDirectoryKeepsWhatTheBackendCannotTakeOnDisk(@TempDir Path dir) throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse().setResponseCode(503);
                }
            });
            server.start();
            runner.withPropertyValues("insidellm.api-key=test-key", "insidellm.base-url=" + server.url("/"),
                    "insidellm.outbox-directory=" + dir, "insidellm.outbox-max-size=10MB",
                    "insidellm.outbox-max-age=1d", "insidellm.max-retries=0", "insidellm.batch-size=1")
                    .run(context -> {
                        InsideLlmClient client = context.getBean(InsideLlmClient.class);
                        client.logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "keep me"));
                        assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
                        assertThat(client.stats().eventsFailed()).isZero();
                    });
            // The context closed the client, which wrote what the outbox had gathered.
            try (Stream<Path> files = Files.list(dir)) {
                List<Path> spooled = files.filter(f -> f.toString().endsWith(".batch")).toList();
                assertThat(spooled).singleElement().satisfies(
                        f -> assertThat(Files.readString(f)).contains("keep me"));
            }
        }
    }

    @Test
    void disabledGivesTheNoopClientEvenWithAnApiKey() {
        runner.withPropertyValues("insidellm.enabled=false", "insidellm.api-key=test-key")
                .run(context -> assertThat(context.getBean(InsideLlmClient.class)).isSameAs(InsideLlmClient.noop()));
    }

    @Test
    void localModeWritesEventsToTheConfiguredDirectoryWithoutAnApiKey(@TempDir Path dir) {
        runner.withPropertyValues("insidellm.mode=local", "insidellm.local-directory=" + dir).run(context -> {
            InsideLlmClient client = context.getBean(InsideLlmClient.class);
            assertThat(client).isNotSameAs(InsideLlmClient.noop());
            client.logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "hello local"));
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            try (Stream<Path> files = Files.walk(dir)) {
                List<Path> written = files.filter(Files::isRegularFile).toList();
                assertThat(written).isNotEmpty();
                assertThat(Files.readString(written.get(0))).contains("hello local");
            }
        });
    }

    @Test
    void anExporterBeanIsEnoughForARealClientAndReceivesTheEvents() {
        runner.withUserConfiguration(ExporterConfig.class).run(context -> {
            InsideLlmClient client = context.getBean(InsideLlmClient.class);
            client.logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "to the exporter"));
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(context.getBean(RecordingExporter.class).events).hasSize(1);
        });
    }

    @Test
    void invalidPropertyFailsStartupNamingTheSetting() {
        runner.withPropertyValues("insidellm.api-key=k", "insidellm.batch-size=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("batchSize")
                    .hasMessageContaining("0");
        });
    }

    @Test
    void customizersReceiveTheBuilderAfterTheProperties() {
        runner.withPropertyValues("insidellm.api-key=k", "insidellm.batch-size=10")
                .withBean(InsideLlmClientCustomizer.class, () -> builder -> builder.batchSize(0))
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("batchSize must be between 1 and 10000, but was 0"));
    }

    @Test
    void aUserClientBeanWins() {
        InsideLlmClient own = InsideLlmClient.noop();
        runner.withPropertyValues("insidellm.api-key=k").withBean("myClient", InsideLlmClient.class, () -> own)
                .run(context -> {
                    assertThat(context).getBeans(InsideLlmClient.class).containsOnlyKeys("myClient");
                    assertThat(context).hasBean("insidellmHealthIndicator");
                });
    }

    @Test
    void userResolverIsTheSpringSecurityOneWhenSecurityIsPresent() {
        runner.run(context -> assertThat(context.getBean(InsideLlmUserResolver.class))
                .isInstanceOf(SecurityUserResolver.class));
    }

    @Test
    void noUserResolverWithoutSpringSecurity() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .run(context -> assertThat(context).doesNotHaveBean(InsideLlmUserResolver.class));
    }

    @Test
    void aUserResolverBeanWins() {
        InsideLlmUserResolver own = () -> "u-42";
        runner.withBean(InsideLlmUserResolver.class, () -> own)
                .run(context -> assertThat(context.getBean(InsideLlmUserResolver.class)).isSameAs(own));
    }

    @Test
    void trackingCanBeSwitchedOff() {
        runner.withPropertyValues("insidellm.tracking.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Advisor.class));
    }

    @Test
    void healthIndicatorReportsDeliveryAndQueueFill() {
        runner.withUserConfiguration(ExporterConfig.class).withPropertyValues("insidellm.max-queue-size=200")
                .run(context -> {
                    Object indicator = context.getBean("insidellmHealthIndicator");
                    Object health = invoke(indicator, "health");
                    assertThat(invoke(invoke(health, "getStatus"), "getCode")).isEqualTo("UP");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> details = (Map<String, Object>) invoke(health, "getDetails");
                    assertThat(details).containsEntry("enabled", true).containsEntry("delivery", "ok")
                            .containsEntry("queueCapacity", 200).containsEntry("circuits", Map.of(
                                    "RecordingExporter", "CLOSED")).containsEntry("outboxSize", 0L)
                            .containsKeys("queueFill", "eventsSent");
                });
    }

    @Test
    void healthIndicatorReportsTheCapacityACustomiserSet() {
        runner.withUserConfiguration(ExporterConfig.class)
                .withBean(InsideLlmClientCustomizer.class, () -> builder -> builder.maxQueueSize(123))
                .run(context -> {
                    Object health = invoke(context.getBean("insidellmHealthIndicator"), "health");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> details = (Map<String, Object>) invoke(health, "getDetails");
                    assertThat(details).containsEntry("queueCapacity", 123);
                });
    }

    @Test
    void noHealthIndicatorWithoutActuator() {
        runner.withClassLoader(new FilteredClassLoader(HEALTH_BOOT3, HEALTH_BOOT4))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("insidellmHealthIndicator"));
    }

    @Test
    void healthIndicatorCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.insidellm.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("insidellmHealthIndicator"));
    }

    @Test
    void queuedEventsAreDeliveredWhenTheContextCloses() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(202));
            server.start();
            runner.withPropertyValues("insidellm.api-key=k", "insidellm.base-url=" + server.url("/"),
                    "insidellm.flush-interval=1h").run(context -> {
                        context.getBean(InsideLlmClient.class)
                                .logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "last words"));
                        assertThat(server.getRequestCount()).isZero();
                    });
            RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(body(request)).contains("last words");
        }
    }

    @Test
    void eventsAreFlushedBeforeTheBeansTheClientUsesAreDestroyed() {
        RecordingExporter exporter = new RecordingExporter();
        runner.withPropertyValues("insidellm.flush-interval=1h").withBean(RecordingExporter.class, () -> exporter)
                .run(context -> context.getBean(InsideLlmClient.class)
                        .logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "at shutdown")));
        assertThat(exporter.events).hasSize(1);
        assertThat(exporter.afterClose).isEmpty();
    }

    @Test
    void privacyPropertiesReachTheClient() {
        runner.withUserConfiguration(ExporterConfig.class).withPropertyValues(
                "insidellm.redaction.built-ins=emails", "insidellm.redaction.patterns[0].regex=ticket-\\d+",
                "insidellm.redaction.patterns[0].replacement=ticket-#").run(context -> {
                    InsideLlmClient client = context.getBean(InsideLlmClient.class);
                    client.logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1",
                            "mail bob@example.com about ticket-1234"));
                    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
                    Object text = context.getBean(RecordingExporter.class).events.get(0).payload().get("input_text");
                    assertThat((String) text).doesNotContain("bob@example.com").doesNotContain("1234")
                            .contains("ticket-#");
                });
    }

    @Test
    void captureContentFalseAndSampleRateReachTheClient() {
        runner.withUserConfiguration(ExporterConfig.class)
                .withPropertyValues("insidellm.capture-content=false", "insidellm.sample-rate=0").run(context -> {
                    InsideLlmClient client = context.getBean(InsideLlmClient.class);
                    client.logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "private"));
                    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
                    assertThat(context.getBean(RecordingExporter.class).events).isEmpty();
                    assertThat(client.stats().eventsDropped()).isEqualTo(1);
                });
        runner.withUserConfiguration(ExporterConfig.class).withPropertyValues("insidellm.capture-content=false")
                .run(context -> {
                    InsideLlmClient client = context.getBean(InsideLlmClient.class);
                    client.logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "private"));
                    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
                    assertThat(context.getBean(RecordingExporter.class).events.get(0).payload())
                            .containsEntry("input_text", "[NOT CAPTURED]");
                });
    }

    @Test
    void metricsAreBoundToTheApplicationsMeterRegistry() {
        runner.withConfiguration(AutoConfigurations.of(bootMetricsAutoConfigurations()))
                .withUserConfiguration(ExporterConfig.class).run(context -> {
                    assertThat(context).hasSingleBean(InsideLlmMetrics.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    context.getBean(InsideLlmClient.class)
                            .logEvent(Event.userInput(UUID.randomUUID().toString(), "u-1", "hi"));
                    assertThat(registry.get("insidellm.events.queued").functionCounter().count()).isEqualTo(1.0);
                    assertThat(registry.get("insidellm.queue.capacity").gauge().value()).isEqualTo(10_000.0);
                    // The metrics are a listener the client was built with: they hear every LLM call.
                    InsideLlmClient client = context.getBean(InsideLlmClient.class);
                    client.logEvent(Event.of(UUID.randomUUID().toString(), "u-1", new Payload.LlmResponse("gpt-4o",
                            "openai", "ok", null, TokenUsage.of(100, 10), 20L, null)));
                    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
                    assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary()
                            .totalAmount()).isEqualTo(100.0);
                });
    }

    @Test
    void metricsReadTheCountersOfAnApplicationsOwnClientBean() {
        InsideLlmClient own = InsideLlmClient.builder().addExporter(batch -> ExportResult.success())
                .maxQueueSize(321).shutdownHook(false).build();
        runner.withConfiguration(AutoConfigurations.of(bootMetricsAutoConfigurations()))
                .withBean("myClient", InsideLlmClient.class, () -> own).run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("insidellm.queue.capacity").gauge().value()).isEqualTo(321.0);
                });
        own.close();
    }

    @Test
    void aUserMetricsBeanWins() {
        runner.withBean("myMetrics", InsideLlmMetrics.class, () -> InsideLlmMetrics.create())
                .run(context -> assertThat(context).getBeans(InsideLlmMetrics.class).containsOnlyKeys("myMetrics"));
    }

    @Test
    void noMetricsWithoutMicrometer() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("insideLlmMetrics"));
    }

    /** Spring Boot's own metrics auto-configuration, whose package depends on the generation under test. */
    private static Class<?>[] bootMetricsAutoConfigurations() {
        String[] packages = {"org.springframework.boot.actuate.autoconfigure.metrics",
            "org.springframework.boot.micrometer.metrics.autoconfigure"};
        for (String pkg : packages) {
            try {
                return new Class<?>[] {Class.forName(pkg + ".MetricsAutoConfiguration"),
                    Class.forName(pkg + ".CompositeMeterRegistryAutoConfiguration"),
                    Class.forName(pkg + ".export.simple.SimpleMetricsExportAutoConfiguration")};
            } catch (ClassNotFoundException e) {
                // try the other generation
            }
        }
        throw new AssertionError("no Spring Boot metrics auto-configuration on the classpath");
    }

    /** The request's JSON; gzip is off by default, but a test may turn it on. */
    private static String body(RecordedRequest request) throws java.io.IOException {
        byte[] raw = request.getBody().readByteArray();
        if (!"gzip".equals(request.getHeader("Content-Encoding"))) {
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
        }
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Calls a method by name: the health API's package depends on the Spring Boot generation under test. */
    private static Object invoke(Object target, String name) throws Exception {
        Method method = target.getClass().getMethod(name);
        method.setAccessible(true);
        return method.invoke(target);
    }

    @Configuration(proxyBeanMethods = false)
    static class ExporterConfig {
        @Bean
        RecordingExporter recordingExporter() {
            return new RecordingExporter();
        }
    }
}
