package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.insidellm.internal.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static Settings resolve(InsideLlmClient.Builder builder) {
        return builder.settings();
    }

    private static InsideLlmClient.Builder builder(Map<String, String> env, Map<String, String> props) {
        return InsideLlmClient.builder().shutdownHook(false).environment(env::get).systemProperties(props::get);
    }

    @Test
    void destinationFollowsTheBuilderThenSystemPropertiesThenTheEnvironment() {
        assertThat(builder(Map.of(), Map.of()).destination()).isEqualTo(InsideLlmClient.Destination.UNCONFIGURED);
        assertThat(builder(Map.of("INSIDELLM_API_KEY", "k"), Map.of()).destination())
                .isEqualTo(InsideLlmClient.Destination.API);
        assertThat(builder(Map.of("INSIDELLM_API_KEY", "k", "INSIDELLM_MODE", "local"), Map.of()).destination())
                .isEqualTo(InsideLlmClient.Destination.LOCAL_FILES);
        assertThat(builder(Map.of("INSIDELLM_MODE", "local"), Map.of("insidellm.mode", "remote")).destination())
                .isEqualTo(InsideLlmClient.Destination.UNCONFIGURED);
        assertThat(builder(Map.of(), Map.of()).addExporter(batch -> ExportResult.success()).destination())
                .isEqualTo(InsideLlmClient.Destination.EXPORTERS);
        assertThat(builder(Map.of("INSIDELLM_ENABLED", "false"), Map.of()).destination())
                .isEqualTo(InsideLlmClient.Destination.DISABLED);
        assertThat(builder(Map.of("INSIDELLM_ENABLED", "false"), Map.of()).build()).isSameAs(InsideLlmClient.noop());
        assertThatThrownBy(() -> builder(Map.of("INSIDELLM_MODE", "sideways"), Map.of()).destination())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INSIDELLM_MODE");
    }

    @Test
    void withoutAnApiKeyBuildExplainsBothWaysOut() {
        assertThatThrownBy(() -> builder(Map.of(), Map.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apiKey(...)")
                .hasMessageContaining("INSIDELLM_API_KEY")
                .hasMessageContaining("localMode()")
                .hasMessageContaining("INSIDELLM_MODE=local");
    }

    @Test
    void builderWinsOverSystemPropertiesWhichWinOverTheEnvironment() {
        Settings fromEnv = resolve(builder(Map.of("INSIDELLM_API_KEY", "env-key", "INSIDELLM_BATCH_SIZE", "7",
                "INSIDELLM_AUTO_FLUSH_INTERVAL", "2.5", "INSIDELLM_BASE_URL", "http://env.example"),
                Map.of("insidellm.batch-size", "9")));
        assertThat(fromEnv.apiKey).isEqualTo("env-key");
        assertThat(fromEnv.batchSize).isEqualTo(9);
        assertThat(fromEnv.flushInterval).isEqualTo(Duration.ofMillis(2500));
        assertThat(fromEnv.baseUrl).isEqualTo("http://env.example");

        Settings fromBuilder = resolve(builder(Map.of("INSIDELLM_BATCH_SIZE", "7"), Map.of())
                .apiKey("k").batchSize(3));
        assertThat(fromBuilder.batchSize).isEqualTo(3);
    }

    @Test
    void defaultsMatchTheDocumentation() {
        Settings config = resolve(builder(Map.of(), Map.of()).apiKey("k"));
        assertThat(config.baseUrl).isEqualTo("https://api.insidellm.com");
        assertThat(config.batchSize).isEqualTo(50);
        assertThat(config.maxQueueSize).isEqualTo(10_000);
        assertThat(config.flushInterval).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxRetries).isEqualTo(3);
        assertThat(config.backoffFactor).isEqualTo(2.0);
        assertThat(config.requestTimeout).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxBatchBytes).isEqualTo(512 * 1024);
        assertThat(config.strict).isFalse();
        assertThat(config.gzip).isFalse();
    }

    @Test
    void gzipIsOffByDefaultForEveryBaseUrlAndTurnedOnByTheBuilderAPropertyOrTheEnvironment() {
        for (String url : new String[] {"https://api.insidellm.com", "http://10.0.0.7:7800", "http://localhost:7800"}) {
            assertThat(resolve(builder(Map.of(), Map.of()).apiKey("k").baseUrl(url)).gzip).as(url).isFalse();
        }
        assertThat(resolve(builder(Map.of(), Map.of()).apiKey("k").gzip(true)).gzip).isTrue();
        assertThat(resolve(builder(Map.of("INSIDELLM_GZIP", "true"), Map.of()).apiKey("k")).gzip).isTrue();
        assertThat(resolve(builder(Map.of(), Map.of("insidellm.gzip", "true")).apiKey("k")).gzip).isTrue();
        assertThat(resolve(builder(Map.of("INSIDELLM_GZIP", "true"), Map.of()).apiKey("k").gzip(false)).gzip)
                .isFalse();
    }

    @Test
    void anInvalidEnvironmentValueNamesTheVariable() {
        assertThatThrownBy(() -> builder(Map.of("INSIDELLM_API_KEY", "k", "INSIDELLM_BATCH_SIZE", "lots"), Map.of())
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable INSIDELLM_BATCH_SIZE must be a whole number between 1 and 10000, "
                        + "but was 'lots'");
        assertThatThrownBy(() -> builder(Map.of("INSIDELLM_API_KEY", "k"), Map.of("insidellm.max-retries", "-1"))
                .build())
                .hasMessage("system property insidellm.max-retries must be between 0 and 100, but was '-1'");
        assertThatThrownBy(() -> builder(Map.of("INSIDELLM_API_KEY", "k", "INSIDELLM_MODE", "cloud"), Map.of())
                .build())
                .hasMessageContaining("INSIDELLM_MODE must be 'local' or 'remote'");
    }

    @Test
    void builderSettersRejectBadValuesWithTheValue() {
        assertThatThrownBy(() -> InsideLlmClient.builder().batchSize(0))
                .hasMessage("batchSize must be between 1 and 10000, but was 0");
        assertThatThrownBy(() -> InsideLlmClient.builder().flushInterval(Duration.ZERO))
                .hasMessage("flushInterval must be positive, but was PT0S");
        assertThatThrownBy(() -> InsideLlmClient.builder().baseUrl("ftp://x"))
                .hasMessageContaining("baseUrl must be an http or https URL");
    }

    @Test
    void theApiKeyNeverAppearsInToStringOrErrors() {
        InsideLlmClient.Builder builder = builder(Map.of(), Map.of()).apiKey("sk-secret-123");
        assertThat(builder.toString()).doesNotContain("sk-secret-123");
        InsideLlmClient client = builder.build();
        assertThat(client.toString()).doesNotContain("sk-secret-123");
        client.close();
    }

    @Test
    void disabledGivesTheNoOpClient() {
        InsideLlmClient client = builder(Map.of("INSIDELLM_ENABLED", "false"), Map.of()).build();
        assertThat(client).isSameAs(InsideLlmClient.noop());
        assertThat(client.logEvent(Event.userInput(client.startRun("u"), "u", "x"))).isFalse();
        assertThat(client.flush(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void strictModeThrowsWhenAnEventIsRefused() {
        InsideLlmClient client = builder(Map.of(), Map.of()).apiKey("k").strict(true).build();
        client.close();
        assertThatThrownBy(() -> client.logEvent(Event.userInput("11111111-1111-4111-8111-111111111111", "u", "x")))
                .isInstanceOf(InsideLlmException.class)
                .hasMessageContaining("client_closed");
    }
}
