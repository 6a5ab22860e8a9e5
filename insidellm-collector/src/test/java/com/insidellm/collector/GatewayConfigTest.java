package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the gateway's configuration comes from: --proxy-config, INSIDELLM_COLLECTOR_PROXY_CONFIG, or the default. */
class GatewayConfigTest {

    static final String ONE = "{\"models\": [{\"provider\": \"ollama\", \"providerModel\": \"llama3\", \"model\": \"%s\"}]}";

    @TempDir
    Path dir;

    private JsonNode gatewayHealth(CollectorMain.Options options) {
        try (InsideLlmCollector collector = options.builder().port(0).databasePath(dir.resolve("c.db")).build()) {
            collector.start();
            return new Api(collector.baseUrl()).getJson("/health").path("gateway");
        }
    }

    private JsonNode models(CollectorMain.Options options) {
        try (InsideLlmCollector collector = options.builder().port(0).databasePath(dir.resolve("c.db")).build()) {
            collector.start();
            return new Api(collector.baseUrl()).getJson("/v1/models").path("data");
        }
    }

    @Test
    void theCommandLineWinsOverTheEnvironment() throws Exception {
        Path fromEnv = Files.writeString(dir.resolve("env.json"), ONE.formatted("from-env"));
        Path fromArgs = Files.writeString(dir.resolve("args.json"), ONE.formatted("from-args"));

        JsonNode envOnly = models(CollectorMain.parse(new String[0],
                Map.of("INSIDELLM_COLLECTOR_PROXY_CONFIG", fromEnv.toString())));
        JsonNode both = models(CollectorMain.parse(new String[] {"--proxy-config", fromArgs.toString()},
                Map.of("INSIDELLM_COLLECTOR_PROXY_CONFIG", fromEnv.toString())));

        assertThat(envOnly).extracting(m -> m.path("id").asText()).containsExactly("from-env");
        assertThat(both).extracting(m -> m.path("id").asText()).containsExactly("from-args");
    }

    @Test
    void theDefaultFileIsReadWhenItExistsAndANamedFileThatDoesNotIsAnError() throws Exception {
        String home = System.getProperty("user.home");
        try {
            System.setProperty("user.home", dir.toString());
            assertThat(gatewayHealth(CollectorMain.parse(new String[0], Map.of())).path("status").asText())
                    .isEqualTo("off");
            Files.createDirectories(dir.resolve(".insidellm"));
            Files.writeString(dir.resolve(".insidellm/proxy.json"), ONE.formatted("default"));
            JsonNode health = gatewayHealth(CollectorMain.parse(new String[0], Map.of()));
            assertThat(health.path("status").asText()).isEqualTo("ok");
            assertThat(health.path("file").asText()).isEqualTo(dir.resolve(".insidellm/proxy.json").toString());
        } finally {
            System.setProperty("user.home", home);
        }
        JsonNode missing = gatewayHealth(CollectorMain.parse(new String[] {"--proxy-config",
                dir.resolve("nope.json").toString()}, Map.of()));
        assertThat(missing.path("status").asText()).isEqualTo("error");
        assertThat(missing.path("message").asText()).contains("file not found");
    }
}
